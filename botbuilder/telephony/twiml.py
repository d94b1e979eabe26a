"""TwiML answers to Twilio's voice webhook (built with ElementTree, so values are escaped)."""

from xml.etree import ElementTree as ET

NOT_IN_SERVICE = "Sorry, this number is not in service. Goodbye."
UNAVAILABLE = (
    "Sorry, this line is not available right now. Please call again later. Goodbye."
)


def _xml(response: ET.Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(
        response, encoding="unicode"
    )


def connect_stream(url: str, parameters: dict[str, str]) -> str:
    """`<Connect><Stream>`: a bidirectional Media Stream to `url` (no query string allowed)."""
    response = ET.Element("Response")
    stream = ET.SubElement(ET.SubElement(response, "Connect"), "Stream", url=url)
    for name, value in parameters.items():
        ET.SubElement(stream, "Parameter", name=name, value=value)
    return _xml(response)


def say_and_hang_up(text: str) -> str:
    """Tell the caller `text`, then end the call."""
    response = ET.Element("Response")
    ET.SubElement(response, "Say").text = text
    ET.SubElement(response, "Hangup")
    return _xml(response)


def dial(number: str) -> str:
    """Transfer: connect the caller to `number` (used with the REST API's `Twiml`)."""
    response = ET.Element("Response")
    ET.SubElement(response, "Dial").text = number
    return _xml(response)
