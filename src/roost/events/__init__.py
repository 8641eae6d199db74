from roost.events.log import record, subscribe, unsubscribe
from roost.events.reader import latest_seq, parse, read_after

__all__ = ["latest_seq", "parse", "read_after", "record", "subscribe", "unsubscribe"]
