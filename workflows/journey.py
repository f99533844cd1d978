"""JourneyWorkflow: one participant going through one published journey version.

A short loop: look up the step, announce it (search attribute, current details), run the
step's function, follow the id it returns. Each step type is one small function in `steps/`.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from herald.models import (
        JOURNEY_WORKFLOW,
        JourneyInput,
        JourneyResult,
        JourneyState,
        StepVisit,
    )
    from herald.models.journey_run import HERALD_STEP
    from workflows.steps import StepContext, run_step

# A journey is acyclic, so this bound is never reached by a valid definition; it keeps a
# corrupt one from spinning forever in history.
MAX_STEPS = 1000


@workflow.defn(name=JOURNEY_WORKFLOW)
class JourneyWorkflow:
    def __init__(self) -> None:
        self._state: JourneyState | None = None

    @workflow.run
    async def run(self, inp: JourneyInput) -> JourneyResult:
        state = JourneyState(
            journey=inp.journey.name,
            version=inp.version,
            participant_id=inp.participant_id,
            current_step=inp.journey.start,
        )
        self._state = state
        ctx = StepContext(inp=inp, state=state)
        step_id: str | None = inp.journey.start
        for _ in range(MAX_STEPS):
            if step_id is None:
                break
            step_id = await self._run_one(ctx, step_id)
        state.current_step, state.finished = None, True
        workflow.set_current_details(f"**finished** after {len(state.visits)} steps")
        last = state.visits[-1].step_id if state.visits else None
        return JourneyResult(
            journey=inp.journey.name,
            version=inp.version,
            participant_id=inp.participant_id,
            visits=state.visits,
            exit_step=last,
        )

    async def _run_one(self, ctx: StepContext, step_id: str) -> str | None:
        step = ctx.inp.journey.steps[step_id]
        ctx.state.current_step = step_id
        visit = StepVisit(step_id=step_id, type=step.type, entered_at=workflow.now())
        ctx.state.visits.append(visit)
        workflow.upsert_search_attributes([HERALD_STEP.value_set(step_id)])
        title = f" ({step.title})" if step.title else ""
        workflow.set_current_details(f"**step** `{step_id}`{title}: {step.type}")
        next_id, outcome = await run_step(ctx, step_id, step)
        visit.outcome = outcome
        return next_id

    @workflow.query
    def state(self) -> JourneyState | None:
        return self._state
