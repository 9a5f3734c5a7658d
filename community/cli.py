"""Command-line interface: `flask --app wsgi <command>`; each feature contributes its commands."""
from flask import Flask


def register_cli(app: Flask) -> None:
    from community.account.retention import retention_command  # also registers the daily retention job
    from community.auth.cli import users
    from community.consultations.cli import consultations_group
    from community.jobs import jobs_group
    from community.mail.cli import mail_group
    from community.demo.cli import seed_demo
    from community.digitalcheck.cli import digital_check_group
    from community.events.cli import events_group
    from community.operations.cli import bootstrap
    from community.programmes.cli import programmes_group
    from community.organisations.cli import import_organisations, import_register
    from community.suggestions.cli import matching_group

    for command in (users, seed_demo, import_organisations, import_register, matching_group, jobs_group, mail_group,
                    digital_check_group, events_group, bootstrap, programmes_group,
                    consultations_group, retention_command):
        app.cli.add_command(command)
