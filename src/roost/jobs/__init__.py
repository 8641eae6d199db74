from roost.jobs.queue import enqueue, job

__all__ = ["enqueue", "job"]
