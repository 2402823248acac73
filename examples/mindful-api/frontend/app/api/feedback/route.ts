import { NextResponse } from "next/server";

const BACKEND_URL = process.env.BACKEND_URL ?? "http://localhost:8000";

export async function POST(request: Request) {
  const { sessionId, rating, comment } = await request.json();

  const res = await fetch(`${BACKEND_URL}/api/sessions/${sessionId}/feedback`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rating, comment }),
  });

  if (!res.ok) {
    return NextResponse.json({ error: "Could not save feedback" }, { status: res.status });
  }
  return NextResponse.json({ ok: true });
}
