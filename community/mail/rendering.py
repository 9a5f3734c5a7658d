"""A mail's two parts from templates/mail/<name>.txt and .html, in the locale in force."""
from flask import current_app, render_template


def render_mail(name: str, **context) -> tuple[str, str]:
    context.setdefault("platform", current_app.config["PLATFORM_NAME"])
    context.setdefault("home_link", current_app.config["PUBLIC_URL"] + "/")
    text = render_template(f"mail/{name}.txt", **context)
    html = render_template(f"mail/{name}.html", **context)
    return text.strip() + "\n", html
