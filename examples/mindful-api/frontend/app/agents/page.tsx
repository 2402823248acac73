import { listAgents } from "@/lib/api";

export default async function AgentsPage() {
  const agents = await listAgents();

  return (
    <main>
      <h1>Guides</h1>
      <ul>
        {agents.map((agent) => (
          <li key={agent.id}>
            <strong>{agent.name}</strong> — {agent.voice_style} ({agent.language})
          </li>
        ))}
      </ul>
    </main>
  );
}
