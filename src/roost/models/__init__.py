"""Tables, one module per aggregate. Importing this package registers them all on Base.metadata."""

from roost.models.accounts import Account, Marker, User
from roost.models.archives import AccountArchive
from roost.models.ai_assistant import AssistantAccount, AssistantAnswer
from roost.models.ai_generations import Candidate, Generation
from roost.models.ai_moderation import ModerationDecision
from roost.models.auth import AccessToken, OAuthApp, OAuthCode
from roost.models.capture import AssistantRating, AssistantRegeneration, StatusFeedback
from roost.models.consent import TrainingConsent
from roost.models.datasets import DatasetBuild, DatasetBuildAccount
from roost.models.conversations import AccountConversation
from roost.models.discovery import (Announcement, AnnouncementDismissal, AnnouncementReaction,
                                     CustomEmoji, SuggestionDismissal, TrendHide, TrendItem)
from roost.models.events import Event
from roost.models.filters import CustomFilter, CustomFilterKeyword, CustomFilterStatus
from roost.models.graph import (AccountDomainBlock, AccountNote, AccountPin, Block, Follow,
                                 FollowRequest, Mute)
from roost.models.instance import SiteSetting
from roost.models.jobs import Job
from roost.models.lists import List, ListAccount
from roost.models.media import MediaAttachment
from roost.models.moderation import Report
from roost.models.notes import Note, NoteRating
from roost.models.notifications import Notification
from roost.models.notifications import FollowNotice  # noqa: I001
from roost.models.polls import Poll, PollVote, ScheduledStatus
from roost.models.posts import (Bookmark, Favourite, IdempotencyKey, Mention, Pin, Status, StatusEdit,
                                 StatusTag, Tag)
from roost.models.tags import FeaturedTag, TagFollow

__all__ = [
    "AccountArchive",
    "AssistantAccount", "AssistantAnswer", "AssistantRating", "AssistantRegeneration",
    "StatusFeedback", "DatasetBuild", "DatasetBuildAccount",
    "FollowNotice", "ModerationDecision", "Candidate", "Generation",
    "Announcement", "AnnouncementDismissal", "AnnouncementReaction", "CustomEmoji", "Report",
    "SuggestionDismissal", "TrendHide", "TrendItem",
    "AccessToken", "Account", "AccountConversation", "AccountDomainBlock", "AccountNote", "AccountPin",
    "Block", "Bookmark", "CustomFilter", "CustomFilterKeyword", "CustomFilterStatus", "Event",
    "Favourite", "FeaturedTag", "Follow", "FollowRequest", "IdempotencyKey", "Job", "List",
    "ListAccount", "Marker", "MediaAttachment", "Mention", "Mute", "Note", "NoteRating",
    "Notification", "OAuthApp",
    "OAuthCode", "Pin", "Poll", "PollVote", "ScheduledStatus", "SiteSetting", "Status",
    "StatusEdit", "StatusTag", "Tag", "TagFollow", "TrainingConsent", "User",
]
