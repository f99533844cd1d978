"""Pydantic models for every Herald resource, one file each, shaped on Amazon Pinpoint's."""

from herald.models.campaign import Campaign, CampaignMessage, CampaignSchedule
from herald.models.campaign_run import CampaignState, RunProgress
from herald.models.channel import ChannelType, MessageChannel
from herald.models.content import (
    InAppButton,
    InAppContent,
    InAppParts,
    PushOptions,
    SmsOptions,
    VoiceOptions,
)
from herald.models.definition import DEFINITION_ADAPTER, KINDS, Definition, EndpointDefinition
from herald.models.endpoint import Demographic, Endpoint, Location
from herald.models.event import Event
from herald.models.journey import (
    ExitStep,
    Journey,
    JourneyVersion,
    SendStep,
    Step,
    WaitStep,
)
from herald.models.journey_run import (
    JOURNEY_WORKFLOW,
    SEARCH_ATTRIBUTES,
    SEND_ACTIVITY,
    JourneyInput,
    JourneyResult,
    JourneyState,
    StepVisit,
    journey_workflow_id,
)
from herald.models.message import (
    AddressProblem,
    DeliveryResult,
    DeliveryStatus,
    MessageRecord,
    MessageStatus,
    OutboxMessage,
    OutgoingMessage,
)
from herald.models.segment import ImportedMembers, Segment
from herald.models.segment_rules import Rule
from herald.models.send import SendOutcome, SendRequest, SendResult
from herald.models.template import (
    CustomTemplate,
    EmailTemplate,
    InAppTemplate,
    PushTemplate,
    RenderedMessage,
    RenderPreview,
    SmsTemplate,
    Template,
    TemplateSummary,
    TemplateVersion,
    VoiceTemplate,
)
from herald.models.user import EndpointUser, User

__all__ = [
    "DEFINITION_ADAPTER",
    "JOURNEY_WORKFLOW",
    "KINDS",
    "SEARCH_ATTRIBUTES",
    "SEND_ACTIVITY",
    "AddressProblem",
    "Campaign",
    "CampaignMessage",
    "CampaignSchedule",
    "CampaignState",
    "ChannelType",
    "CustomTemplate",
    "Definition",
    "DeliveryResult",
    "DeliveryStatus",
    "Demographic",
    "EmailTemplate",
    "Endpoint",
    "EndpointDefinition",
    "EndpointUser",
    "Event",
    "ExitStep",
    "ImportedMembers",
    "InAppButton",
    "InAppContent",
    "InAppParts",
    "InAppTemplate",
    "Journey",
    "JourneyInput",
    "JourneyResult",
    "JourneyState",
    "JourneyVersion",
    "Location",
    "MessageChannel",
    "MessageRecord",
    "MessageStatus",
    "OutboxMessage",
    "OutgoingMessage",
    "PushOptions",
    "PushTemplate",
    "RenderPreview",
    "RenderedMessage",
    "Rule",
    "RunProgress",
    "Segment",
    "SendOutcome",
    "SendRequest",
    "SendResult",
    "SendStep",
    "SmsOptions",
    "SmsTemplate",
    "Step",
    "StepVisit",
    "Template",
    "TemplateSummary",
    "TemplateVersion",
    "User",
    "VoiceOptions",
    "VoiceTemplate",
    "WaitStep",
    "journey_workflow_id",
]
