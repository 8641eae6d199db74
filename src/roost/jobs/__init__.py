from roost.jobs.queue import enqueue, job
from roost.jobs.schedule import every

__all__ = ["enqueue", "every", "job"]
