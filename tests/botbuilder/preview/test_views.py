"""The preview page through the Django test client."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from botbuilder.preview.views import preview_urls, session_ws_path
from tests.conftest import create_snippet

pytestmark = pytest.mark.django_db


def preview_path(bot_id: int) -> str:
    return f"/admin/botbuilder/bot/{bot_id}/preview/"


def page_config(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="preview-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_preview_urls_returns_one_admin_wrapped_route():
    from django.contrib import admin

    (pattern,) = preview_urls(admin.site)
    assert pattern.name == "botbuilder_bot_preview"
    assert str(pattern.pattern) == "<int:bot_id>/preview/"


def test_staff_sees_page_with_ws_path_variables_and_prices(staff_client, bot):
    create_snippet(bot)
    response = staff_client.get(preview_path(bot.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert session_ws_path(bot.pk) == f"/ws/bots/{bot.pk}/session/"
    assert 'name="shop_name"' in html and 'value="Acme"' in html
    assert "preview/preview.js" in html
    config = page_config(response)
    assert config["wsPath"] == f"/ws/bots/{bot.pk}/session/"
    assert config["bot"] == {"id": bot.pk, "name": bot.name, "model": bot.model}
    assert config["variables"] == {"shop_name": "Acme"}
    assert config["pricesPerMtok"]["audio_out"] > 0
    titles = [s["title"] for s in config["instructions"]["sections"]]
    assert "Instructions" in titles and "Knowledge" in titles
    assert "Opening hours" in html  # the knowledge section's text is shown before start
    breadcrumb_to_bot = f'href="/admin/botbuilder/bot/{bot.pk}/change/"'
    assert breadcrumb_to_bot in html


def test_staff_without_view_permission_is_refused(client, django_user_model, bot):
    user = django_user_model.objects.create_user(
        "clerk", password="pw-clerk-123", is_staff=True
    )
    client.force_login(user)
    assert client.get(preview_path(bot.pk)).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="view_bot"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get(preview_path(bot.pk)).status_code == 200


def test_non_staff_user_is_sent_to_login(client, django_user_model, bot):
    user = django_user_model.objects.create_user("caller", password="pw-caller-123")
    client.force_login(user)
    response = client.get(preview_path(bot.pk))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_anonymous_user_is_sent_to_login(client, bot):
    response = client.get(preview_path(bot.pk))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_unknown_bot_is_404(staff_client):
    assert staff_client.get(preview_path(987654)).status_code == 404


def test_unknown_variable_in_instructions_is_a_warning_not_a_crash(staff_client, bot):
    bot.instructions = "Hello {{missing_name}}"
    bot.save()
    response = staff_client.get(preview_path(bot.pk))
    assert response.status_code == 200
    assert "missing_name" in " ".join(page_config(response)["instructions"]["warnings"])


def test_bot_change_form_links_to_the_preview(staff_client, bot):
    page = staff_client.get(reverse("admin:botbuilder_bot_change", args=[bot.pk]))
    assert page.status_code == 200
    assert (
        reverse("admin:botbuilder_bot_preview", args=[bot.pk]) in page.content.decode()
    )


def test_cost_panel_shows_the_model_s_capabilities_and_its_price_rows(
    staff_client, bot
):
    bot.model, bot.reasoning_effort = "gpt-realtime-2.1", "high"
    bot.save()
    response = staff_client.get(preview_path(bot.pk))
    html = response.content.decode()
    assert "Context 128000 tokens" in html and "reasoning (effort high)" in html
    config = page_config(response)
    assert config["model"]["context_tokens"] == 128_000
    assert config["model"]["reasoning"] is True
    kinds = [k["key"] for k in config["tokenKinds"]]
    assert "image_in" in kinds  # gpt-realtime-2.1 takes images and prices them


def test_cost_panel_of_a_legacy_model_says_when_it_shuts_down(staff_client, bot):
    bot.model = "gpt-realtime-mini"
    bot.save()
    response = staff_client.get(preview_path(bot.pk))
    html = response.content.decode()
    assert "no reasoning" in html and "legacy: shuts down 2027-01-20" in html
    assert "image_in" not in [k["key"] for k in page_config(response)["tokenKinds"]]


def test_offline_preview_names_the_engine_and_labels_the_cost_an_estimate(
    staff_client, bot, settings
):
    settings.OPENAI_API_KEY = ""
    response = staff_client.get(preview_path(bot.pk))
    config = page_config(response)
    assert config["engine"] == "offline rehearsal engine" and config["freeEngine"]
    html = response.content.decode()
    assert 'id="pv-engine" data-source="settings">offline rehearsal engine<' in html
    assert f'id="pv-cost-note">estimate on {bot.model}<' in html
    assert "Estimated total" in html
    assert (
        '<p class="pv-cost-actual" id="pv-cost-actual">Actual cost: <strong>$0.00'
        in html
    )


def test_paid_preview_names_the_openai_model_and_shows_no_estimate(
    staff_client, bot, settings
):
    settings.OPENAI_API_KEY = "sk-test"
    response = staff_client.get(preview_path(bot.pk))
    config = page_config(response)
    assert config["engine"] == f"OpenAI model {bot.model}"
    assert not config["freeEngine"]
    html = response.content.decode()
    assert 'id="pv-cost-actual" hidden' in html and "Estimated total" not in html


def test_text_only_bot_is_flagged_for_the_page(staff_client, bot):
    bot.output_modality = "text"
    bot.save()
    assert (
        page_config(staff_client.get(preview_path(bot.pk)))["outputModality"] == "text"
    )


def test_bot_list_has_a_preview_link_per_row(staff_client, bot):
    html = staff_client.get(reverse("admin:botbuilder_bot_changelist")).content.decode()
    assert f'<a class="button" href="{preview_path(bot.pk)}">Preview</a>' in html


def test_a_bot_in_another_language_on_the_offline_engine_is_told_it_hears_english(
    staff_client, bot, settings
):
    settings.OPENAI_API_KEY = ""
    bot.language = "de"
    bot.save()
    html = staff_client.get(preview_path(bot.pk)).content.decode()
    assert 'id="pv-language-note"' in html and "hears English only" in html
    bot.language = "en-GB"
    bot.save()
    assert (
        "pv-language-note"
        not in staff_client.get(preview_path(bot.pk)).content.decode()
    )
