"""AI Assistant API: every endpoint of the product lives in this module.

Sections: app setup, auth, chat, projects, workflows, integrations, dashboard, files, admin,
health. (The feature sections below the marker at the end are added as the product grows.)
"""
import json
import logging
import secrets
import time
import uuid

from fastapi import Depends, FastAPI, HTTPException, Request, Response, UploadFile
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse, StreamingResponse
from pydantic import BaseModel, Field

from agents.assistant_agent import assistant
from api import config
from api.auth import check_password, complete_oauth, get_current_user, hash_password, oauth_login_url, require_admin, start_session
from api.database import execute, fetch_all, fetch_one, get_db
from api.llm import complete, log_usage, stream_completion
from api.rate_limit import rate_limiter
from api.routers import blog_api

logger = logging.getLogger("assistant")

app = FastAPI(title="AI Assistant API", version="0.9.0", dependencies=[Depends(rate_limiter)])
app.add_middleware(
    CORSMiddleware,
    allow_origins=[config.FRONTEND_ORIGIN],
    allow_credentials=True,
    allow_methods=["GET", "POST", "PUT", "DELETE"],
    allow_headers=["Content-Type"],
)
app.include_router(blog_api.router)

# Replies being streamed right now, by stream id (the client polls /chat/streams/{id}).
active_streams: dict[str, dict] = {}
# The model new conversations use; admins switch it at runtime.
CURRENT_MODEL = config.OPENAI_MODEL


# ── Schemas ─────────────────────────────────────────────────────────────────────────────────


class Registration(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(min_length=10, max_length=128)
    name: str = Field(max_length=100)


class Credentials(BaseModel):
    email: str
    password: str


class ChatIn(BaseModel):
    text: str = Field(min_length=1, max_length=8000)
    conversation_id: int | None = None
    project_id: int | None = None
    temperature: float | None = Field(default=None, ge=0, le=2)


class ProjectIn(BaseModel):
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    system_prompt: str | None = Field(default=None, max_length=4000)


class WorkflowRun(BaseModel):
    inputs: dict[str, str] = {}


class ModelChoice(BaseModel):
    model: str = Field(pattern=r"^gpt-[\w.-]+$")


# ── Auth ────────────────────────────────────────────────────────────────────────────────────


@app.post("/auth/register")
def register(body: Registration, response: Response, db=Depends(get_db)):
    if fetch_one(db, "SELECT id FROM users WHERE email = ?", (body.email.lower(),)):
        raise HTTPException(status_code=409, detail="Email already registered")
    user_id = execute(db, "INSERT INTO users (email, name, password_hash, role) VALUES (?, ?, ?, 'member')", (body.email.lower(), body.name, hash_password(body.password)))
    start_session(response, user_id)
    return {"id": user_id, "email": body.email.lower()}


@app.post("/auth/login")
def login(body: Credentials, response: Response, db=Depends(get_db)):
    user = fetch_one(db, "SELECT id, password_hash FROM users WHERE email = ?", (body.email.lower(),))
    if user is None or not check_password(body.password, user["password_hash"]):
        raise HTTPException(status_code=401, detail="Incorrect email or password")
    start_session(response, user["id"])
    return {"id": user["id"]}


@app.post("/auth/logout")
def logout(response: Response):
    response.delete_cookie(config.SESSION_COOKIE)
    return {"ok": True}


@app.get("/auth/me")
def me(user: dict = Depends(get_current_user)):
    return user


@app.get("/auth/oauth/{provider}/start")
def oauth_start(provider: str, response: Response):
    state = secrets.token_urlsafe(24)
    response.set_cookie("oauth_state", state, max_age=600, httponly=True, secure=True)
    return RedirectResponse(oauth_login_url(provider, state))


@app.get("/auth/oauth/{provider}/callback")
def oauth_callback(provider: str, code: str, state: str, request: Request, response: Response, db=Depends(get_db)):
    if not secrets.compare_digest(state, request.cookies.get("oauth_state", "")):
        raise HTTPException(status_code=400, detail="State mismatch")
    profile = complete_oauth(provider, code)
    user = fetch_one(db, "SELECT id FROM users WHERE email = ?", (profile["email"],))
    user_id = user["id"] if user else execute(db, "INSERT INTO users (email, name, role) VALUES (?, ?, 'member')", (profile["email"], profile["name"]))
    start_session(response, user_id)
    return RedirectResponse(config.FRONTEND_ORIGIN)


# ── Chat ────────────────────────────────────────────────────────────────────────────────────


def _history(db, conversation_id: int | None, user_id: int) -> list[dict]:
    if conversation_id is None:
        return []
    rows = fetch_all(db, "SELECT role, content FROM messages WHERE conversation_id = ? AND user_id = ? ORDER BY id", (conversation_id, user_id))
    return [{"role": r["role"], "content": r["content"]} for r in rows]


@app.post("/chat")
async def chat(body: ChatIn, user: dict = Depends(get_current_user), db=Depends(get_db)):
    project = fetch_one(db, "SELECT id, name, notes, system_prompt FROM projects WHERE id = ? AND owner_id = ?", (body.project_id, user["id"])) if body.project_id else None
    assistant.configure(project, body.temperature)
    messages = assistant.build_messages(_history(db, body.conversation_id, user["id"]), body.text)
    reply, tokens = complete(messages, CURRENT_MODEL, assistant.temperature)
    conversation_id = body.conversation_id or execute(db, "INSERT INTO conversations (user_id, title) VALUES (?, ?)", (user["id"], body.text[:60]))
    execute(db, "INSERT INTO messages (conversation_id, user_id, role, content) VALUES (?, ?, 'user', ?)", (conversation_id, user["id"], body.text))
    execute(db, "INSERT INTO messages (conversation_id, user_id, role, content) VALUES (?, ?, 'assistant', ?)", (conversation_id, user["id"], reply))
    log_usage(user["id"], CURRENT_MODEL, tokens)
    return {"conversation_id": conversation_id, "reply": reply}


@app.post("/chat/stream")
async def chat_stream(body: ChatIn, user: dict = Depends(get_current_user), db=Depends(get_db)):
    stream_id = uuid.uuid4().hex
    active_streams[stream_id] = {"user_id": user["id"], "started_at": time.time(), "text": ""}
    messages = assistant.build_messages(_history(db, body.conversation_id, user["id"]), body.text)

    async def relay():
        async for delta in stream_completion(messages, CURRENT_MODEL):
            active_streams[stream_id]["text"] += delta
            yield delta

    return StreamingResponse(relay(), media_type="text/plain", headers={"X-Stream-Id": stream_id})


@app.get("/chat/streams/{stream_id}")
async def stream_status(stream_id: str, user: dict = Depends(get_current_user)):
    stream = active_streams.get(stream_id)
    if stream is None or stream["user_id"] != user["id"]:
        raise HTTPException(status_code=404, detail="Unknown stream")
    return stream


@app.get("/conversations")
def list_conversations(user: dict = Depends(get_current_user), db=Depends(get_db)):
    return fetch_all(db, "SELECT id, title, created_at FROM conversations WHERE user_id = ? ORDER BY id DESC LIMIT 100", (user["id"],))


@app.delete("/conversations/{conversation_id}")
def delete_conversation(conversation_id: int, user: dict = Depends(get_current_user), db=Depends(get_db)):
    execute(db, "DELETE FROM messages WHERE conversation_id = ? AND user_id = ?", (conversation_id, user["id"]))
    execute(db, "DELETE FROM conversations WHERE id = ? AND user_id = ?", (conversation_id, user["id"]))
    return {"deleted": conversation_id}


# ── Projects ────────────────────────────────────────────────────────────────────────────────


@app.get("/projects")
def list_projects(user: dict = Depends(get_current_user), db=Depends(get_db)):
    return fetch_all(db, "SELECT id, name, description FROM projects WHERE owner_id = ? ORDER BY name", (user["id"],))


@app.post("/projects")
def create_project(body: ProjectIn, user: dict = Depends(get_current_user), db=Depends(get_db)):
    project_id = execute(db, "INSERT INTO projects (owner_id, name, description, system_prompt) VALUES (?, ?, ?, ?)", (user["id"], body.name, body.description, body.system_prompt))
    return {"id": project_id}


@app.put("/projects/{project_id}")
def update_project(project_id: int, body: ProjectIn, user: dict = Depends(get_current_user), db=Depends(get_db)):
    execute(db, "UPDATE projects SET name = ?, description = ?, system_prompt = ? WHERE id = ? AND owner_id = ?", (body.name, body.description, body.system_prompt, project_id, user["id"]))
    return {"id": project_id}


@app.delete("/projects/{project_id}")
def delete_project(project_id: int, user: dict = Depends(get_current_user), db=Depends(get_db)):
    execute(db, "DELETE FROM projects WHERE id = ? AND owner_id = ?", (project_id, user["id"]))
    return {"deleted": project_id}


# ── Workflows ───────────────────────────────────────────────────────────────────────────────


@app.post("/workflows/{workflow_id}/run")
async def run_workflow(workflow_id: int, body: WorkflowRun, user: dict = Depends(get_current_user), db=Depends(get_db)):
    workflow = fetch_one(db, "SELECT id, steps FROM workflows WHERE id = ? AND owner_id = ?", (workflow_id, user["id"]))
    if workflow is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    outputs = []
    for step in json.loads(workflow["steps"]):
        if step["action"] == "ask_assistant":
            reply, tokens = complete([{"role": "user", "content": step["prompt"].format(**body.inputs)}], CURRENT_MODEL)
            outputs.append(reply)
            await log_usage(user["id"], CURRENT_MODEL, tokens)
        else:
            outputs.append(f"skipped {step['action']}")
    run_id = execute(db, "INSERT INTO workflow_runs (workflow_id, user_id, outputs) VALUES (?, ?, ?)", (workflow_id, user["id"], json.dumps(outputs)))
    return {"run_id": run_id, "outputs": outputs}


# ── Files and voice ─────────────────────────────────────────────────────────────────────────


@app.post("/files/upload")
async def upload_file(file: UploadFile, user: dict = Depends(get_current_user)):
    return {"status": "not implemented", "filename": file.filename}


@app.post("/voice/transcribe")
async def transcribe(file: UploadFile, user: dict = Depends(get_current_user)):
    raise HTTPException(status_code=501, detail="Voice input is coming soon")


# ── Admin ───────────────────────────────────────────────────────────────────────────────────


@app.put("/admin/model")
def set_model(body: ModelChoice, admin: dict = Depends(require_admin)):
    global CURRENT_MODEL
    CURRENT_MODEL = body.model
    logger.info("model switched to %s by %s", body.model, admin["email"])
    return {"model": CURRENT_MODEL}


@app.get("/admin/usage")
def usage_report(days: int = 30, admin: dict = Depends(require_admin), db=Depends(get_db)):
    since = time.time() - days * 86400
    return fetch_all(db, "SELECT user_id, model, SUM(tokens) AS tokens FROM usage WHERE at >= ? GROUP BY user_id, model", (since,))


# ── Health ──────────────────────────────────────────────────────────────────────────────────


@app.get("/health")
def health():
    return {"status": "ok", "model": CURRENT_MODEL}


# ── Feature sections ────────────────────────────────────────────────────────────────────────
