"""Reading the telephony secrets a PhoneAccount names (one function, so it can be swapped).

The security work adds an allow-list of readable variables (botbuilder/secrets.py); until it
is merged, every phone secret is read here and nowhere else.
"""

import os
from typing import Any

from botbuilder.telephony.twilio_signature import signature_algorithm


def read_secret(env_name: str) -> str:
    """The value of environment variable `env_name`, stripped ("" if unnamed or unset)."""
    if not env_name:
        return ""
    return (os.environ.get(env_name) or "").strip()


def twilio_signing_key(account: Any, settings_header: str) -> tuple[str, str]:
    """(key, algorithm) a Twilio request was signed with: a Webhooks Rule's SharedKey when
    X-Twilio-Webhooks-Signature-Settings is present, else the auth token (HMAC-SHA1).

    Raises UnsupportedAlgorithm for an algorithm the header names that is not known.
    """
    algorithm = signature_algorithm(settings_header)
    key_env = account.shared_key_env if settings_header else account.auth_token_env
    return read_secret(key_env), algorithm
