"""JUnit XML of test runs: one <testsuite> per bot, one <testcase> per bot test."""

import json
from xml.etree import ElementTree as ET

from botbuilder.models import BotTestRun


def junit_xml(runs: list[BotTestRun]) -> bytes:
    """The report of `runs` (results prefetched or not)."""
    root = ET.Element("testsuites", name="bot tests")
    for run in runs:
        results = list(run.results.all())
        counts = {k: sum(r.outcome == k for r in results)
                  for k in ("failed", "error", "skipped", "unknown")}  # fmt: skip
        suite = ET.SubElement(
            root,
            "testsuite",
            name=run.bot.slug,
            tests=str(len(results) + (1 if run.error else 0)),
            failures=str(counts["failed"]),
            errors=str(counts["error"] + (1 if run.error else 0)),
            skipped=str(counts["skipped"] + counts["unknown"]),
            time=f"{sum(r.duration_ms for r in results) / 1000:.3f}",
        )
        if run.error:  # the bot could not be called at all
            case = ET.SubElement(
                suite, "testcase", classname=run.bot.slug, name="(bot)"
            )
            ET.SubElement(case, "error", message=run.error).text = run.error
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"bot_tests.{run.bot.slug}",
                name=result.test_name,
                time=f"{result.duration_ms / 1000:.3f}",
            )
            tag = {"failed": "failure", "error": "error"}.get(result.outcome)
            if tag:
                ET.SubElement(
                    case, tag, message=result.message[:500]
                ).text = result.message
            elif result.outcome in ("skipped", "unknown"):
                ET.SubElement(
                    case, "skipped", message=f"{result.outcome}: {result.message}"[:500]
                )
            ET.SubElement(case, "system-out").text = json.dumps(
                {"transcript": result.transcript, "latency_ms": result.latency_ms,
                 "pass_rate": result.pass_rate},
                ensure_ascii=False, indent=1,
            )  # fmt: skip
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
