"""Imports every feature's models so the metadata (and Alembic) sees all tables."""
from community.auth.models import ApiToken, AuditEntry, ExternalIdentity, RecoveryCode, User  # noqa: F401
from community.forums.models import Forum, Post, PostRevision, Thread, ThreadWatch  # noqa: F401
from community.joining.models import DistinctOrganisations, JoinRequest  # noqa: F401
from community.moderation.models import (  # noqa: F401
    Appeal,
    ModerationAction,
    ModeratorAssignment,
    Report,
    ReportEntry,
    RoomSlowMode,
    Sanction,
)
from community.notifications.models import MatchNotice, Notification  # noqa: F401
from community.organisations.models import Invite, Organisation, OrganisationTopic  # noqa: F401
from community.profiles.models import Need, Offer  # noqa: F401
from community.rooms.models import Message, Room, RoomMember  # noqa: F401
from community.suggestions.models import (  # noqa: F401
    ContactRequest,
    MatchingChange,
    MatchingSnapshot,
    SuggestionFeedback,
)
from community.digitalcheck.models import Assessment, AssessmentNeed, AssessmentScore  # noqa: F401
from community.consultations.models import (  # noqa: F401
    Consultation, ConsultantFocus, ConsultationEvent, ConsultationMeasure, ConsultationMessage, ConsultationNeed)
from community.events.models import CalendarFeed, Event, Registration  # noqa: F401
from community.examples.models import Example, ExampleInterest, ExampleVote  # noqa: F401
from community.mail.models import MailedNotification, MailPreference, OutboxMail  # noqa: F401
from community.operations.models import Heartbeat  # noqa: F401
from community.programmes.models import ExampleFunding, Programme, ProgrammeReminder  # noqa: F401
from community.attachments.models import Attachment  # noqa: F401
from community.cooperation.models import CooperationInvitation, CooperationProposal  # noqa: F401
