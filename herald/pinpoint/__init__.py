"""Moving from Amazon Pinpoint: translators from Pinpoint's request JSON to Herald models.

Each translator takes the parsed JSON and a name and returns Herald definitions, or raises
`PinpointImportError` naming the JSON path it cannot translate.
"""

from herald.pinpoint import segment, templates
from herald.pinpoint.campaign import translate_campaign
from herald.pinpoint.journey import translate_journey
from herald.pinpoint.registry import TRANSLATORS, PinpointImportError, translate

TRANSLATORS["email-template"] = templates.email_template
TRANSLATORS["sms-template"] = templates.sms_template
TRANSLATORS["push-template"] = templates.push_template
TRANSLATORS["voice-template"] = templates.voice_template
TRANSLATORS["in-app-template"] = templates.in_app_template
TRANSLATORS["segment"] = segment.segment
TRANSLATORS["journey"] = translate_journey
TRANSLATORS["campaign"] = translate_campaign

__all__ = ["TRANSLATORS", "PinpointImportError", "translate"]
