"""The conversation brain: system prompt, running history, and the OpenAI call for the next turn."""
import logging

from openai import OpenAI

from . import config

logger = logging.getLogger(__name__)

DEFAULT_SYSTEM_PROMPT = (
    "You are Aoife, the receptionist of Killarney Dental. You answer the phone, book, move and "
    "cancel appointments, and answer questions about opening hours and prices. Keep every answer "
    "under two sentences: the caller hears it as speech. Never give medical advice."
)


class AgentBrain:
    def __init__(self, system_prompt=DEFAULT_SYSTEM_PROMPT):
        self.client = OpenAI(api_key=config.OPENAI_API_KEY, timeout=8.0, max_retries=1)
        self.current_system_prompt = system_prompt
        self.conversation_history = []
        self.agent_config = None

    def start_call(self, agent_config):
        self.agent_config = agent_config
        self.current_system_prompt = agent_config.get("system_prompt") or DEFAULT_SYSTEM_PROMPT
        self.conversation_history = []

    def respond(self, caller_text):
        self.conversation_history.append({"role": "user", "content": caller_text})
        messages = [{"role": "system", "content": self.current_system_prompt}, *self.conversation_history[-12:]]
        completion = self.client.chat.completions.create(
            model=config.OPENAI_MODEL,
            messages=messages,
            temperature=0.4,
            max_tokens=160,
        )
        reply = (completion.choices[0].message.content or "").strip()
        self.conversation_history.append({"role": "assistant", "content": reply})
        return reply

    def summarise(self, turns):
        lines = []
        for turn in turns:
            lines.append(f"Caller: {turn['caller_text']}")
            lines.append(f"Agent: {turn['agent_text']}")
        completion = self.client.chat.completions.create(
            model=config.SUMMARY_MODEL,
            messages=[
                {"role": "system", "content": "Summarise this phone call in three bullet points, then give the caller's sentiment as one word."},
                {"role": "user", "content": "\n".join(lines)},
            ],
            max_tokens=200,
        )
        text = (completion.choices[0].message.content or "").strip()
        summary, _, sentiment = text.rpartition("\n")
        return summary.strip() or text, sentiment.strip().lower() or "neutral"
