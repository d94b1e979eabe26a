"""Reading the telephony secrets a PhoneAccount names: only variables the shared allow-list
permits (botbuilder/secrets.py), checked again at call time."""

import logging
from typing import Any

from botbuilder.secrets import is_secret_env_allowed, read_secret_env
from botbuilder.telephony.twilio_signature import signature_algorithm


def read_secret(env_name: str) -> str:
    """The value of environment variable `env_name`, stripped ("" if unnamed or unset)."""
    if not env_name:
        return ""
    if not is_secret_env_allowed(env_name):
        logging.getLogger(__name__).error(
            "Phone account names %s, which is not allowed as a secret", env_name
        )
        return ""
    return read_secret_env(env_name)


def twilio_signing_key(account: Any, settings_header: str) -> tuple[str, str]:
    """(key, algorithm) a Twilio request was signed with: a Webhooks Rule's SharedKey when
    X-Twilio-Webhooks-Signature-Settings is present, else the auth token (HMAC-SHA1).

    Raises UnsupportedAlgorithm for an algorithm the header names that is not known.
    """
    algorithm = signature_algorithm(settings_header)
    key_env = account.shared_key_env if settings_header else account.auth_token_env
    return read_secret(key_env), algorithm
