"""A cooperation proposal: the proposing organisation's need, the contact requests it sent (one per
partner, through community/suggestions/contacts.py) and the one room their acceptances share."""
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column, relationship

from community.extensions import db
from community.models_base import utcnow


class CooperationProposal(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        db.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    need_id: Mapped[int | None] = mapped_column(db.ForeignKey("need.id", ondelete="SET NULL"), index=True)
    # The shared room, opened by the first partner's acceptance (the proposal is the proposer's own).
    room_id: Mapped[int | None] = mapped_column(db.ForeignKey("room.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(db.DateTime, default=utcnow, nullable=False)

    organisation = relationship("Organisation")
    need = relationship("Need")
    room = relationship("Room")
    invitations = relationship("CooperationInvitation", back_populates="proposal", cascade="all, delete-orphan",
                               order_by="CooperationInvitation.contact_request_id")

    def __repr__(self) -> str:
        return f"<CooperationProposal {self.id} org={self.organisation_id} need={self.need_id}>"


class CooperationInvitation(db.Model):
    """One partner of a proposal: the contact request sent to it (its need is the request's need)."""

    contact_request_id: Mapped[int] = mapped_column(
        db.ForeignKey("contact_request.id", ondelete="CASCADE"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        db.ForeignKey("cooperation_proposal.id", ondelete="CASCADE"), nullable=False, index=True)

    proposal = relationship("CooperationProposal", back_populates="invitations")
    contact_request = relationship("ContactRequest")
