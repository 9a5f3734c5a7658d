"""Who a demo account is: its address on the demo domain and its place in the demo community.

Below the seeding (seed.py) and the features' demo sections (e.g. consultations/demo.py), which both
build demo accounts, so the sections need not import the seeding that calls them.
"""
from dataclasses import dataclass

DEMO_EMAIL_DOMAIN = "demo.example.org"  # every demo account has an address here; reset() relies on it


@dataclass(frozen=True)
class DemoAccount:
    email_local: str
    name: str
    job_title: str
    slot: str = ""  # the organisation slot (see ACCOUNT_SLOTS); "" for platform staff
    role: str = "member"
    is_org_admin: bool = False

    @property
    def email(self) -> str:
        return f"{self.email_local}@{DEMO_EMAIL_DOMAIN}"
