from botbuilder.models.analysis import (
    AnalysisCriterion,
    AnalysisDataField,
    AnalysisPlan,
)
from botbuilder.models.analysis_results import SessionAnalysis, WebhookDelivery
from botbuilder.models.bot import Bot
from botbuilder.models.bot_tests import BotTest, BotTestResult, BotTestRun
from botbuilder.models.connection import Connection
from botbuilder.models.knowledge import KnowledgeSnippet
from botbuilder.models.phone import PhoneAccount, PhoneNumber
from botbuilder.models.session import Session, TranscriptItem
from botbuilder.models.tool import Tool
from botbuilder.models.voice import Voice

__all__ = [
    "AnalysisCriterion",
    "AnalysisDataField",
    "AnalysisPlan",
    "Bot",
    "BotTest",
    "BotTestResult",
    "BotTestRun",
    "Connection",
    "KnowledgeSnippet",
    "PhoneAccount",
    "PhoneNumber",
    "Session",
    "SessionAnalysis",
    "Tool",
    "TranscriptItem",
    "Voice",
    "WebhookDelivery",
]
