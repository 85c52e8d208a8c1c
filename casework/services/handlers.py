"""Which service function applies each workflow action: registered on the action's declaration.

    @handles(actions.RECORD_OUTCOME)
    def record_outcome(case, actor, params, people, allowed) -> dict: ...

A handler is called by `casework.services.workflow.perform` once the domain has said yes, in the same
transaction: it changes the case (`params` are the action's parameters as its model read them, `people`
the people they name, `allowed` where the action leads) and returns the data of the audit event.
"""

from collections.abc import Callable

from ..domain.actions import Action

HANDLERS: dict[Action, Callable] = {}


def handles(action: Action) -> Callable:
    """Register the decorated function as the one handler of `action`."""

    def register(handler: Callable) -> Callable:
        if action in HANDLERS:
            raise ValueError(f"{action.name} already has a handler: {HANDLERS[action].__qualname__}")
        HANDLERS[action] = handler
        return handler

    return register


def handler_for(action: Action) -> Callable:
    return HANDLERS[action]
