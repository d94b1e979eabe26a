"""Migration 0003: the seeded demo bot moves to the new default model; other bots stay."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("botbuilder", "0002_core_cut_reason")]
AFTER = [("botbuilder", "0003_models_catalogue_options")]


@pytest.mark.django_db(transaction=True)
def test_the_demo_bot_moves_to_gpt_realtime_2_1_mini_and_other_bots_stay():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Bot = old_apps.get_model("botbuilder", "Bot")
    common = {"instructions": "Help.", "greeting": "", "variable_defaults": {}}
    Bot.objects.create(
        name="Demo", slug="acme-support", model="gpt-realtime-mini", **common
    )
    Bot.objects.create(name="Mine", slug="mine", model="gpt-realtime-mini", **common)

    executor = MigrationExecutor(connection)  # reload the graph after the first migrate
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    bots = new_apps.get_model("botbuilder", "Bot").objects
    assert dict(bots.values_list("slug", "model")) == {
        "acme-support": "gpt-realtime-2.1-mini",
        "mine": "gpt-realtime-mini",
    }
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
