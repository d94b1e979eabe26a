"""Validation of analysis configuration: clear errors next to the field."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from botbuilder.models import AnalysisDataField, AnalysisPlan
from tests.conftest import create_bot


def _errors(obj) -> dict:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, key",
    [
        ({"name": "urgency", "field_type": "enum", "choices": []}, "choices"),
        (
            {"name": "items", "field_type": "json", "json_schema": {"type": "lst"}},
            "json_schema",
        ),
        ({"name": "contains", "field_type": "string"}, "name"),
        ({"name": "Bad Name", "field_type": "string"}, "name"),
        ({"name": "notes", "field_type": "string", "examples": "x"}, "examples"),
    ],
)
def test_data_field_errors(fields, key):
    assert key in _errors(AnalysisDataField(description="d", **fields))


@pytest.mark.django_db
def test_plan_webhook_secret_must_be_an_allowed_variable():
    plan = AnalysisPlan(
        bot=create_bot(), webhook_url="https://example.com/h", webhook_secret_env="HOME"
    )
    assert "ANALYSIS_WEBHOOK_SECRET_ENVS" in _errors(plan)["webhook_secret_env"][0]
    with override_settings(ANALYSIS_WEBHOOK_SECRET_ENVS=["HOME"]):
        plan.full_clean()


@pytest.mark.django_db
def test_plan_end_reasons_must_be_known():
    plan = AnalysisPlan(bot=create_bot(), end_reasons=["hung_up"])
    assert "end_reasons" in _errors(plan)
