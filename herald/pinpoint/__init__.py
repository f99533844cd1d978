"""Moving from Amazon Pinpoint: translators from Pinpoint's request JSON to Herald models.

Each translator takes the parsed JSON and a name and returns Herald definitions, or raises
`PinpointImportError` naming the JSON path it cannot translate.
"""

from herald.pinpoint.journey import translate_journey
from herald.pinpoint.registry import TRANSLATORS, PinpointImportError, translate

TRANSLATORS["journey"] = translate_journey

__all__ = ["TRANSLATORS", "PinpointImportError", "translate"]
