"""The assistant: system prompt, project context and the message list sent to the model."""
from api import config

DEFAULT_SYSTEM_PROMPT = (
    "You are a helpful workspace assistant. Answer concisely, cite the project notes you use, "
    "and ask before running a workflow on the user's behalf."
)


class AssistantAgent:
    def __init__(self) -> None:
        self.model = config.OPENAI_MODEL
        self.system_prompt = DEFAULT_SYSTEM_PROMPT
        self.project_context: dict | None = None
        self.temperature = 0.3

    def configure(self, project: dict | None, temperature: float | None = None) -> None:
        self.project_context = project
        self.system_prompt = (project or {}).get("system_prompt") or DEFAULT_SYSTEM_PROMPT
        if temperature is not None:
            self.temperature = temperature

    def build_messages(self, history: list[dict], text: str) -> list[dict]:
        system = self.system_prompt
        if self.project_context:
            system += f"\n\nProject: {self.project_context['name']}\n{self.project_context.get('notes') or ''}"
        return [{"role": "system", "content": system}, *history[-20:], {"role": "user", "content": text}]


# One agent for the whole process.
assistant = AssistantAgent()
