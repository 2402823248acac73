"use client";

import { useState } from "react";
import Link from "next/link";
import { generateSession } from "@/lib/api";

export default function Home() {
  const [agentId, setAgentId] = useState("");
  const [intention, setIntention] = useState("");
  const [script, setScript] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setLoading(true);
    try {
      const session = await generateSession({ agent_id: agentId, intention });
      setScript(session.script);
    } finally {
      setLoading(false);
    }
  }

  return (
    <main>
      <h1>Mindful</h1>
      <p>
        Tell us what you need today. <Link href="/agents">Choose a guide</Link>
      </p>
      <form onSubmit={onSubmit}>
        <input placeholder="Guide id" value={agentId} onChange={(e) => setAgentId(e.target.value)} />
        <textarea
          placeholder="I want to feel calmer before my exam"
          value={intention}
          onChange={(e) => setIntention(e.target.value)}
        />
        <button disabled={loading}>{loading ? "Writing your session…" : "Create session"}</button>
      </form>
      {script && <pre style={{ whiteSpace: "pre-wrap" }}>{script}</pre>}
    </main>
  );
}
