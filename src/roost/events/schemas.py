"""Typed event schemas. Each event type has one schema; `data` in the log is its JSON form.

Ids travel as strings (64-bit ids do not survive JavaScript numbers).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: ClassVar[str]


REGISTRY: dict[str, type[EventData]] = {}


def event_type(name: str):
    def wrap(cls: type[EventData]) -> type[EventData]:
        cls.type = name
        REGISTRY[name] = cls
        return cls

    return wrap


@event_type("account.created")
class AccountCreated(EventData):
    account_id: str
    username: str


@event_type("account.updated")
class AccountUpdated(EventData):
    account_id: str
    fields: list[str]


@event_type("account.suspended")
class AccountSuspended(EventData):
    account_id: str
    suspended: bool


@event_type("account.deleted")
class AccountDeleted(EventData):
    account_id: str


@event_type("post.created")
class PostCreated(EventData):
    status_id: str
    account_id: str
    visibility: str
    in_reply_to_id: str | None = None
    text: str = ""
    language: str | None = None
    tags: list[str] = []
    mentions: list[str] = []
    media_ids: list[str] = []


@event_type("post.edited")
class PostEdited(EventData):
    status_id: str
    account_id: str
    visibility: str
    text: str = ""
    language: str | None = None
    tags: list[str] = []
    mentions: list[str] = []
    media_ids: list[str] = []


@event_type("post.deleted")
class PostDeleted(EventData):
    status_id: str
    account_id: str


@event_type("post.reposted")
class PostReposted(EventData):
    repost_id: str
    status_id: str
    account_id: str


@event_type("post.unreposted")
class PostUnreposted(EventData):
    repost_id: str
    status_id: str
    account_id: str


@event_type("post.liked")
class PostLiked(EventData):
    status_id: str
    account_id: str


@event_type("post.unliked")
class PostUnliked(EventData):
    status_id: str
    account_id: str


@event_type("post.bookmarked")
class PostBookmarked(EventData):
    status_id: str
    account_id: str


@event_type("post.unbookmarked")
class PostUnbookmarked(EventData):
    status_id: str
    account_id: str


@event_type("post.pinned")
class PostPinned(EventData):
    status_id: str
    account_id: str


@event_type("post.unpinned")
class PostUnpinned(EventData):
    status_id: str
    account_id: str


@event_type("poll.created")
class PollCreated(EventData):
    poll_id: str
    status_id: str
    account_id: str
    options: list[str]
    multiple: bool = False
    hide_totals: bool = False
    expires_at: str


@event_type("poll.voted")
class PollVoted(EventData):
    poll_id: str
    status_id: str
    account_id: str
    choices: list[int]


@event_type("poll.closed")
class PollClosed(EventData):
    poll_id: str
    status_id: str
    votes_count: int
    voters_count: int
    tallies: list[int]


@event_type("post.scheduled")
class PostScheduled(EventData):
    scheduled_status_id: str
    account_id: str
    scheduled_at: str
    rescheduled: bool = False  # True: an existing scheduled post got a new time


@event_type("post.unscheduled")
class PostUnscheduled(EventData):
    scheduled_status_id: str
    account_id: str
    reason: str  # cancelled | published | dropped (it no longer passed the post checks)
    status_id: str | None = None  # the post, when published


@event_type("graph.followed")
class Followed(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.unfollowed")
class Unfollowed(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.follow_requested")
class FollowRequested(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.follow_request_rejected")
class FollowRequestRejected(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.follow_request_withdrawn")
class FollowRequestWithdrawn(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.blocked")
class Blocked(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.unblocked")
class Unblocked(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.muted")
class Muted(EventData):
    account_id: str
    target_account_id: str
    expires_at: str | None = None


@event_type("graph.unmuted")
class Unmuted(EventData):
    account_id: str
    target_account_id: str


@event_type("media.uploaded")
class MediaUploaded(EventData):
    media_id: str
    account_id: str
    content_type: str
    width: int | None = None
    height: int | None = None
    has_description: bool = False


@event_type("media.updated")
class MediaUpdated(EventData):
    media_id: str
    account_id: str
    fields: list[str]


@event_type("notification.dismissed")
class NotificationsDismissed(EventData):
    account_id: str
    notification_id: str | None = None  # None (and no group_key): all cleared
    group_key: str | None = None  # a whole group dismissed (v2 API)


@event_type("account.approved")
class AccountApproved(EventData):
    account_id: str


@event_type("site.settings_changed")
class SiteSettingsChanged(EventData):
    keys: list[str]


@event_type("account.password_changed")
class AccountPasswordChanged(EventData):
    account_id: str
    reset: bool = False  # True when set without the old password (CLI, admin)


@event_type("account.role_changed")
class AccountRoleChanged(EventData):
    account_id: str
    role: str


@event_type("conversation.updated")
class ConversationUpdated(EventData):
    account_id: str  # whose list changed
    conversation_id: str
    status_id: str  # the conversation's last status now
    unread: bool


@event_type("conversation.read")
class ConversationRead(EventData):
    account_id: str
    conversation_id: str


@event_type("conversation.removed")
class ConversationRemoved(EventData):
    account_id: str
    conversation_id: str
    by_owner: bool = True  # False: its last readable post was deleted


@event_type("trends.refreshed")
class TrendsRefreshed(EventData):
    tags: int
    statuses: int
    links: int


@event_type("trends.hidden")
class TrendHidden(EventData):
    kind: str  # tag | status | link
    key: str  # tag name, status id or URL


@event_type("trends.unhidden")
class TrendUnhidden(EventData):
    kind: str
    key: str


@event_type("suggestion.dismissed")
class SuggestionDismissed(EventData):
    account_id: str
    target_account_id: str


@event_type("report.created")
class ReportCreated(EventData):
    report_id: str
    account_id: str  # who reported
    target_account_id: str
    category: str
    status_ids: list[str] = []
    rule_ids: list[str] = []


@event_type("report.resolved")
class ReportResolved(EventData):
    report_id: str


@event_type("report.reopened")
class ReportReopened(EventData):
    report_id: str


@event_type("report.assigned")
class ReportAssigned(EventData):
    report_id: str
    assigned_account_id: str | None = None  # None: unassigned


@event_type("emoji.added")
class EmojiAdded(EventData):
    emoji_id: str
    shortcode: str
    category: str | None = None


@event_type("emoji.removed")
class EmojiRemoved(EventData):
    emoji_id: str
    shortcode: str


@event_type("announcement.created")
class AnnouncementCreated(EventData):
    announcement_id: str
    published: bool


@event_type("announcement.published")
class AnnouncementPublished(EventData):
    announcement_id: str


@event_type("announcement.unpublished")
class AnnouncementUnpublished(EventData):
    announcement_id: str


@event_type("announcement.removed")
class AnnouncementRemoved(EventData):
    announcement_id: str


@event_type("announcement.dismissed")
class AnnouncementDismissed(EventData):
    announcement_id: str
    account_id: str


@event_type("announcement.reacted")
class AnnouncementReacted(EventData):
    announcement_id: str
    account_id: str
    name: str


@event_type("announcement.unreacted")
class AnnouncementUnreacted(EventData):
    announcement_id: str
    account_id: str
    name: str


@event_type("graph.note_set")
class AccountNoteSet(EventData):
    account_id: str
    target_account_id: str  # the note itself is private and stays out of the log


@event_type("graph.endorsed")
class AccountEndorsed(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.unendorsed")
class AccountUnendorsed(EventData):
    account_id: str
    target_account_id: str


@event_type("graph.domain_blocked")
class DomainBlocked(EventData):
    account_id: str
    domain: str


@event_type("graph.domain_unblocked")
class DomainUnblocked(EventData):
    account_id: str
    domain: str


@event_type("filter.created")
class FilterCreated(EventData):
    filter_id: str
    account_id: str
    title: str
    context: list[str]
    action: str
    expires_at: str | None = None
    keyword_ids: list[str] = []


@event_type("filter.updated")
class FilterUpdated(EventData):
    filter_id: str
    account_id: str
    fields: list[str]


@event_type("filter.deleted")
class FilterDeleted(EventData):
    filter_id: str
    account_id: str


@event_type("filter.keyword_added")
class FilterKeywordAdded(EventData):
    filter_id: str
    account_id: str
    keyword_id: str
    keyword: str
    whole_word: bool


@event_type("filter.keyword_updated")
class FilterKeywordUpdated(EventData):
    filter_id: str
    account_id: str
    keyword_id: str
    keyword: str
    whole_word: bool


@event_type("filter.keyword_removed")
class FilterKeywordRemoved(EventData):
    filter_id: str
    account_id: str
    keyword_id: str


@event_type("filter.status_added")
class FilterStatusAdded(EventData):
    filter_id: str
    account_id: str
    filter_status_id: str
    status_id: str


@event_type("filter.status_removed")
class FilterStatusRemoved(EventData):
    filter_id: str
    account_id: str
    filter_status_id: str
    status_id: str



@event_type("oauth.app_revoked")
class AppRevoked(EventData):
    """A person took an app's access away (authorized applications page or the CLI)."""

    account_id: str
    app_id: str
    tokens: int


@event_type("oauth.code_replayed")
class CodeReplayed(EventData):
    """An authorization code came back a second time; the tokens issued for it were revoked."""

    account_id: str
    app_id: str
    tokens: int


@event_type("list.created")
class ListCreated(EventData):
    list_id: str
    account_id: str
    title: str
    replies_policy: str
    exclusive: bool


@event_type("list.updated")
class ListUpdated(EventData):
    list_id: str
    account_id: str
    title: str
    replies_policy: str
    exclusive: bool


@event_type("list.deleted")
class ListDeleted(EventData):
    list_id: str
    account_id: str


@event_type("list.accounts_added")
class ListAccountsAdded(EventData):
    list_id: str
    account_id: str
    account_ids: list[str]


@event_type("list.accounts_removed")
class ListAccountsRemoved(EventData):
    """`reason`: "removed" (by the owner) or "unfollowed" (the follow ended)."""

    list_id: str
    account_id: str
    account_ids: list[str]
    reason: str = "removed"


@event_type("tag.followed")
class TagFollowed(EventData):
    account_id: str
    tag: str


@event_type("tag.unfollowed")
class TagUnfollowed(EventData):
    account_id: str
    tag: str


@event_type("tag.featured")
class TagFeatured(EventData):
    featured_tag_id: str
    account_id: str
    tag: str


@event_type("tag.unfeatured")
class TagUnfeatured(EventData):
    featured_tag_id: str
    account_id: str
    tag: str


@event_type("ai.moderation_decided")
class AiModerationDecided(EventData):
    """A prompt, text or image was checked (the decision's row holds the scores and reason)."""
    decision_id: str
    account_id: str | None = None
    subject_kind: str
    subject_id: str | None = None
    verdict: str
    provider: str


@event_type("ai.generation_started")
class AiGenerationStarted(EventData):
    """A person asked for images (the generation is queued)."""
    generation_id: str
    account_id: str
    n: int
    seed: int
    style: str | None = None
    aspect_ratio: str
    provider: str
    remix_of: str | None = None


@event_type("ai.generation_cancelled")
class AiGenerationCancelled(EventData):
    generation_id: str
    account_id: str
    state_before: str


@event_type("ai.candidates_shown")
class AiCandidatesShown(EventData):
    """A generation finished: these candidates were offered (refused ones are not among them)."""
    generation_id: str
    account_id: str
    candidate_ids: list[str]
    refused: int = 0


@event_type("ai.candidates_picked")
class AiCandidatesPicked(EventData):
    """The preference signal: which candidates the person kept and which they passed over."""
    generation_id: str
    account_id: str
    picked: list[str]
    discarded: list[str]
    media_ids: list[str]


@event_type("ai.generation_posted")
class AiGenerationPosted(EventData):
    """Generated images went out in a post: the generation behind them and the person's choice
    among its candidates (one event per generation in the post). Public, prompt included, when
    the post is public; the prompt is withheld otherwise, as a post's text is."""
    status_id: str
    account_id: str
    generation_id: str
    prompt: str = ""
    provider: str
    model: str
    seed: int
    style: str | None = None
    aspect_ratio: str
    remix_of: str | None = None
    shown: list[str]  # every candidate offered
    picked: list[str]  # those picked so far, posted here or not
    posted: list[str]  # those whose images are in this post
    media_ids: list[str]


@event_type("ai.alt_text_suggested")
class AiAltTextSuggested(EventData):
    """The captioner described a person's upload (saved: it became the description)."""
    media_id: str
    account_id: str
    provider: str
    saved: bool = False


@event_type("ai.upload_provenance")
class AiUploadProvenance(EventData):
    """An upload's file claimed AI generation (read before its metadata was stripped)."""
    media_id: str
    account_id: str
    source: str
    generator: str | None = None
    c2pa_manifest: bool = False
    c2pa_valid: bool | None = None


@event_type("ai.assistant_replied")
class AiAssistantReplied(EventData):
    """The assistant answered a post that mentioned it (kind: text or image)."""
    question_status_id: str
    reply_status_id: str
    asker_id: str
    kind: str
    provider: str
    model: str
    generation_ms: int
    context_posts: int


@event_type("ai.assistant_declined")
class AiAssistantDeclined(EventData):
    """The assistant did not answer a post that mentioned it (reason: blocked, muted,
    rate_limited, refused)."""
    question_status_id: str
    asker_id: str
    reason: str


@event_type("ai.assistant_feedback")
class AiAssistantFeedback(EventData):
    """Someone liked, reposted or replied to one of the assistant's answers."""
    reply_status_id: str
    account_id: str
    kind: str  # like | repost | reply
    status_id: str | None = None  # the reply, for kind "reply"


@event_type("consent.changed")
class ConsentChanged(EventData):
    account_id: str
    training: str
    previous: str
    source: str


@event_type("post.training_opt_out")
class PostTrainingOptOut(EventData):
    status_id: str
    account_id: str
    opted_out: bool


# ---- capture: what people see and tell Roost (issue 5, section 4) --------------------------------

@event_type("feed.impression")
class FeedImpression(EventData):
    """A page of a feed served to a signed-in person: the posts in the order shown. The position of
    `status_ids[i]` in the feed is `first_position + i` (0 is the top of the feed)."""
    account_id: str
    feed: str  # home | public | local | tag:NAME | list:ID | account:ID | bookmarks | favourites
    status_ids: list[str]
    first_position: int = 0
    surface: str = "api"  # api (Mastodon API) | web (the web app)


@event_type("status.opened")
class StatusOpened(EventData):
    """Someone opened a post's thread, or one of its images, full size."""
    account_id: str
    status_id: str
    what: str  # thread | image
    media_id: str | None = None
    feed: str | None = None  # where it was opened from, when known
    surface: str = "api"


@event_type("status.feedback")
class StatusFeedback(EventData):
    """"Show more like this" (signal "more") or "show less like this" ("less") on a post;
    `undone` when the person took it back."""
    account_id: str
    status_id: str
    signal: str  # more | less
    undone: bool = False
    feed: str | None = None


@event_type("ai.assistant_rated")
class AiAssistantRated(EventData):
    """Someone rated one of the assistant's answers (rating: helpful | not_helpful | none when
    the rating was withdrawn), with an optional reason."""
    reply_status_id: str
    account_id: str
    rating: str
    reason: str | None = None


@event_type("ai.assistant_regenerated")
class AiAssistantRegenerated(EventData):
    """The person who asked had the assistant answer again: the answer's text was replaced.
    `previous_text` was passed over for `text` (a preference pair once the new one is kept)."""
    reply_status_id: str
    question_status_id: str
    account_id: str
    previous_text: str
    text: str
    provider: str
    model: str


@event_type("note.created")
class NoteCreated(EventData):
    """A note adding context to a post."""
    note_id: str
    status_id: str
    account_id: str
    text: str


@event_type("note.deleted")
class NoteDeleted(EventData):
    note_id: str
    status_id: str
    account_id: str


@event_type("note.rated")
class NoteRated(EventData):
    """Someone rated a note (helpful true/false, `removed` when the rating was taken back)."""
    note_id: str
    status_id: str
    account_id: str
    helpful: bool
    reason: str | None = None
    removed: bool = False


# ---- datasets (issue 5, section 5) ----------------------------------------------------------------

@event_type("dataset.build_requested")
class DatasetBuildRequested(EventData):
    build_id: str
    kind: str
    version: int


@event_type("dataset.built")
class DatasetBuilt(EventData):
    """A dataset build finished: `rows` rows from the event log up to `to_seq`."""
    build_id: str
    kind: str
    version: int
    rows: int
    to_seq: int


@event_type("dataset.build_failed")
class DatasetBuildFailed(EventData):
    build_id: str
    kind: str
    version: int
    error: str


@event_type("dataset.recalled")
class DatasetRecalled(EventData):
    """A build was withdrawn: its files were deleted; copies should be deleted too."""
    build_id: str
    kind: str
    version: int
    superseded_by: str | None = None


@event_type("archive.requested")
class ArchiveRequested(EventData):
    """A person asked for an archive of their own data (roost.archives)."""
    archive_id: str
    account_id: str


@event_type("archive.finished")
class ArchiveFinished(EventData):
    """An archive was built (`state` "done", with its `size` in bytes) or could not be ("failed")."""
    archive_id: str
    account_id: str
    state: str
    size: int | None = None
