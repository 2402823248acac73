export const API_URL = process.env.NEXT_PUBLIC_API_URL ?? "http://localhost:8000";

export type Agent = {
  id: string;
  name: string;
  voice_style: string;
  system_prompt: string;
  language: string;
  is_public: boolean;
  avatar_url: string | null;
};

export type GeneratedSession = { id: string; script: string };

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`${API_URL}${path}`, {
    ...init,
    headers: { "Content-Type": "application/json", ...(init?.headers ?? {}) },
    cache: "no-store",
  });
  if (!res.ok) {
    throw new Error(`API ${res.status}: ${await res.text()}`);
  }
  return res.json() as Promise<T>;
}

export function listAgents(): Promise<Agent[]> {
  return request<Agent[]>("/api/agents");
}

export function createAgent(agent: Omit<Agent, "id" | "avatar_url">): Promise<Agent> {
  return request<Agent>("/api/agents", { method: "POST", body: JSON.stringify(agent) });
}

export function generateSession(input: {
  agent_id: string;
  intention: string;
  mood?: string;
  health_notes?: string;
}): Promise<GeneratedSession> {
  return request<GeneratedSession>("/api/sessions/generate", {
    method: "POST",
    body: JSON.stringify(input),
  });
}
