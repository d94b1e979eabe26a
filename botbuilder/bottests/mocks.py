"""Tool mocks of a test: the session's tool runner, answering matched calls with set outputs."""

import json
from dataclasses import dataclass, field
from typing import Any

from botbuilder.assembly.snapshot import ToolSpec
from botbuilder.tools import ToolContext, ToolOutcome, run_tool
from botbuilder.tools.arguments import ArgumentsError, parse_arguments


def mock_matches(mock: dict[str, Any], name: str, arguments: dict[str, Any]) -> bool:
    """The mock is for this tool and every argument it names has that value."""
    wanted = mock.get("arguments") or {}
    return mock["tool"] == name and all(
        k in arguments and arguments[k] == v for k, v in wanted.items()
    )


@dataclass
class MockedTools:
    """`SessionSetup.tool_runner`: a matching mock answers, else the real tool or a failure."""

    mocks: list[dict[str, Any]]
    unmatched: str = "real"  # real | fail
    unmatched_calls: list[str] = field(
        default_factory=list
    )  # names, for the test's verdict

    async def __call__(
        self, *, spec: ToolSpec, arguments: Any, context: ToolContext
    ) -> ToolOutcome:
        try:
            parsed = parse_arguments(arguments)
        except ArgumentsError:
            parsed = {}
        for mock in self.mocks:
            if mock_matches(mock, spec.name, parsed):
                output = mock["output"]
                text = output if isinstance(output, str) else json.dumps(output)
                return ToolOutcome(output=text, detail={"mocked": True})
        if self.unmatched == "fail":
            self.unmatched_calls.append(spec.name)
            message = f"no mock matches this call of {spec.name} (the test fails)"
            return ToolOutcome(
                output=json.dumps({"error": message}), status="error", error=message
            )
        return await run_tool(spec=spec, arguments=arguments, context=context)
