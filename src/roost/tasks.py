"""Import every domain's job handlers so the registry is complete in web and worker processes."""

import roost.accounts.tasks  # noqa: F401
import roost.ai.assistant.regenerate  # noqa: F401
import roost.archives.tasks  # noqa: F401
import roost.ai.assistant.tasks  # noqa: F401
import roost.ai.generations.cleanup  # noqa: F401
import roost.ai.generations.tasks  # noqa: F401
import roost.conversations.tasks  # noqa: F401
import roost.datasets.builder  # noqa: F401
import roost.graph.tasks  # noqa: F401
import roost.media.tasks  # noqa: F401
import roost.notifications.tasks  # noqa: F401
import roost.polls.tasks  # noqa: F401
import roost.posts.tasks  # noqa: F401
import roost.scheduled.tasks  # noqa: F401
import roost.timelines.tasks  # noqa: F401
import roost.trends.tasks  # noqa: F401
