"""The short-lived signed token the voice webhook hands a Media Stream (`<Parameter>`)."""

from dataclasses import asdict, dataclass

from django.core import signing

STREAM_TOKEN_SALT = "botbuilder.telephony.twilio-stream"
# Twilio opens the stream right after reading the TwiML; a token older than this is refused.
STREAM_TOKEN_MAX_AGE_S = 120


@dataclass(frozen=True)
class StreamGrant:
    """What the webhook decided for this call, carried to the stream consumer."""

    number_id: int
    call_sid: str
    caller: str


def stream_token(grant: StreamGrant) -> str:
    """A signed, timestamped token for `grant` (well under Twilio's 500-character limit)."""
    return signing.dumps(asdict(grant), salt=STREAM_TOKEN_SALT, compress=True)


def read_stream_token(
    token: str, max_age_s: float = STREAM_TOKEN_MAX_AGE_S
) -> StreamGrant | None:
    """The grant in `token`, or None if it is forged, malformed or expired."""
    try:
        data = signing.loads(token, salt=STREAM_TOKEN_SALT, max_age=max_age_s)
        return StreamGrant(
            number_id=int(data["number_id"]),
            call_sid=str(data["call_sid"]),
            caller=str(data["caller"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
