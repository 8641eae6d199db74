from roost.events.log import record, subscribe

__all__ = ["record", "subscribe"]
