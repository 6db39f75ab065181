"""Arabic date-and-time formats Django leaves to its American defaults ("m/d/Y P"):
day month year and a 24-hour clock, like the dates (see pourparler/ui/formats/__init__.py).
The other Arabic formats are Django's."""

TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F، Y، H:i"
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
