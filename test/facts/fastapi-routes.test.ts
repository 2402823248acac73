/**
 * The FastAPI route extractor on inline file trees: router prefixes, include_router mounts
 * across modules, guards at route / router / app level, full paths, handler facts.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../src/model/repo-index.ts';
import { routesOfTree, summariseRoutes } from '../support/route-table.ts';

const routesOf = (files: Record<string, string>): Promise<Route[]> => routesOfTree({ 'requirements.txt': 'fastapi==0.115.6\n', ...files });

describe('extractFastapiRoutes', () => {
  it('joins app, include_router and router prefixes and collects guards at every level', async () => {
    const routes = await routesOf({
      'app/main.py': [
        'from fastapi import Depends, FastAPI',
        'from app.api import deps',
        'from app.api.routes import items, users',
        'from app.api.routes.admin import router as admin_router',
        '',
        'app = FastAPI(dependencies=[Depends(deps.verify_api_version)])',
        'app.include_router(items.router, prefix="/api/v1")',
        'app.include_router(users.router, prefix="/api/v1", dependencies=[Depends(deps.get_current_user)])',
        'app.include_router(admin_router, prefix="/api/v1")',
        '',
        '@app.get("/healthz")',
        'def healthz():',
        '    return {"ok": True}',
        '',
      ].join('\n'),
      'app/api/deps.py': [
        'from fastapi import Header, HTTPException',
        '',
        'def verify_api_version(x_version: str = Header("1")):',
        '    return x_version',
        '',
        'async def check_caller(authorization: str = Header()):',
        '    if not authorization:',
        '        raise HTTPException(status_code=401)',
        '',
        'async def get_current_user(authorization: str = Header()):',
        '    return {"id": 1}',
        '',
      ].join('\n'),
      'app/api/routes/__init__.py': '',
      'app/api/routes/items.py': [
        'from typing import Annotated',
        'from fastapi import APIRouter, Depends, Security',
        'from app.api.deps import check_caller, get_current_user',
        '',
        'router = APIRouter(prefix="/items", tags=["items"])',
        'CurrentUser = Annotated[dict, Depends(get_current_user)]',
        '',
        '@router.get("/")',
        'async def list_items(user: CurrentUser):',
        '    return []',
        '',
        '@router.post("/", dependencies=[Depends(check_caller)])',
        'def create_item(item: dict):',
        '    return item',
        '',
        '@router.delete("/{item_id}")',
        'async def delete_item(item_id: int, user=Security(get_current_user, scopes=["items:write"])):',
        '    return None',
        '',
        '@router.api_route("/{item_id}/sync", methods=["PUT", "PATCH"])',
        'async def sync_item(item_id: int):',
        '    return None',
        '',
      ].join('\n'),
      'app/api/routes/users.py': [
        'from fastapi import APIRouter',
        '',
        'router = APIRouter(prefix="/users")',
        '',
        '@router.get("/me")',
        'async def me():',
        '    return {}',
        '',
      ].join('\n'),
      'app/api/routes/admin.py': [
        'from fastapi import APIRouter',
        '',
        'router = APIRouter(prefix="/admin")',
        '',
        '@router.post("/reindex")',
        'async def reindex():',
        '    return {}',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual([
      'POST /api/v1/admin/reindex reindex app/api/routes/admin.py:5 []',
      'GET /api/v1/items list_items app/api/routes/items.py:8 [route:user: CurrentUser]',
      'POST /api/v1/items create_item app/api/routes/items.py:12 [route:Depends(check_caller)]',
      'DELETE /api/v1/items/{item_id} delete_item app/api/routes/items.py:16 [route:Security(get_current_user, scopes=["items:write"])]',
      'PUT /api/v1/items/{item_id}/sync sync_item app/api/routes/items.py:20 []',
      'PATCH /api/v1/items/{item_id}/sync sync_item app/api/routes/items.py:20 []',
      'GET /api/v1/users/me me app/api/routes/users.py:5 [app:Depends(deps.get_current_user)]',
      'GET /healthz healthz app/main.py:11 []',
    ]);
    const list = routes.find((r) => r.handler.name === 'list_items')!;
    expect(list.handler).toMatchObject({ file: 'app/api/routes/items.py', startLine: 9, isAsync: true });
    expect(routes.find((r) => r.handler.name === 'create_item')!.handler.isAsync).toBe(false);
  });

  it('treats an auth middleware and app-level dependencies as app guards', async () => {
    const routes = await routesOf({
      'main.py': [
        'from fastapi import Depends, FastAPI, Request',
        'from auth import require_session',
        '',
        'app = FastAPI(dependencies=[Depends(require_session)])',
        '',
        '@app.post("/notes")',
        'async def add_note(note: dict):',
        '    return note',
        '',
      ].join('\n'),
    });
    expect(summariseRoutes(routes)).toEqual(['POST /notes add_note main.py:6 [app:Depends(require_session)]']);
  });
});

describe('FastAPI request inputs', () => {
  const inputsOf = (route: Route | undefined) => (route?.inputs ?? []).map((i) => `${i.source}:${i.name}${i.param && i.param !== i.name ? `(${i.param})` : ''}${i.type ? `:${i.type}` : ''}@${i.at.startLine}`);

  it('classifies path, query, body, form, file, header and cookie parameters and skips injected ones', async () => {
    const routes = await routesOf({
      'app/schemas.py': [
        'from enum import Enum',
        'from pydantic import BaseModel',
        '',
        'class Status(str, Enum):',
        '    open = "open"',
        '    closed = "closed"',
        '',
        'class ItemIn(BaseModel):',
        '    title: str',
        '',
      ].join('\n'),
      'app/deps.py': [
        'from typing import Annotated',
        'from fastapi import Depends',
        'from sqlalchemy.orm import Session',
        '',
        'def get_db():',
        '    yield None',
        '',
        'SessionDep = Annotated[Session, Depends(get_db)]',
        '',
      ].join('\n'),
      'app/main.py': [
        'from typing import Annotated, Optional',
        'from uuid import UUID',
        'from fastapi import APIRouter, BackgroundTasks, Cookie, Depends, FastAPI, File, Form, Header, Query, Request, UploadFile, WebSocket',
        'from app.deps import SessionDep',
        'from app.schemas import ItemIn, Status',
        '',
        'app = FastAPI()',
        'router = APIRouter(prefix="/orgs/{org_id}")',
        'app.include_router(router)',
        'Limit = Annotated[int, Query(le=100)]',
        '',
        '@router.post("/items/{item_id}")',
        'async def update_item(',
        '    org_id: UUID,',
        '    item_id: int,',
        '    item: ItemIn,',
        '    db: SessionDep,',
        '    tasks: BackgroundTasks,',
        '    status: Status = Status.open,',
        '    q: Annotated[Optional[str], Query(alias="search")] = None,',
        '    limit: Limit = 10,',
        '    user_agent: str | None = Header(None),',
        '    session_id: str = Cookie(None),',
        '    user=Depends(lambda: None),',
        '):',
        '    return item',
        '',
        '@app.post("/upload")',
        'async def upload(file: UploadFile, note: str = Form(...), extra: dict = None, tags: list[str] = Query([])):',
        '    return {}',
        '',
        '@app.websocket("/ws")',
        'async def ws(websocket: WebSocket, token: str = Query(None)):',
        '    await websocket.accept()',
        '',
        '@router.delete("/items/{item_id}/tags/{tag}")',
        'async def untag(item=Depends(lambda item_id, tag: None)):',
        '    return None',
        '',
        '@app.post("/raw")',
        'async def raw(request: Request):',
        '    payload = await request.json()',
        '    page = request.query_params.get("page")',
        '    return {"payload": payload, "page": page}',
        '',
      ].join('\n'),
    });
    expect(inputsOf(routes.find((r) => r.handler.name === 'update_item'))).toEqual([
      'path:org_id:UUID@14',
      'path:item_id:int@15',
      'body:*(item):ItemIn@16',
      'query:status:Status@19',
      'query:search(q):Optional[str]@20',
      'query:limit:int@21',
      'header:user-agent(user_agent):str | None@22',
      'cookie:session_id:str@23',
    ]);
    expect(inputsOf(routes.find((r) => r.handler.name === 'upload'))).toEqual([
      'file:file:UploadFile@29',
      'form:note:str@29',
      'body:*(extra):dict@29',
      'query:tags:list[str]@29',
    ]);
    expect(inputsOf(routes.find((r) => r.handler.name === 'ws'))).toEqual(['websocket:websocket:WebSocket@33', 'query:token:str@33']);
    expect(inputsOf(routes.find((r) => r.handler.name === 'raw'))).toEqual(['body:*@42', 'query:page@43']);
    // Path parameters that only a dependency takes: still client input, located at the route.
    expect(inputsOf(routes.find((r) => r.handler.name === 'untag'))).toEqual(['path:org_id@36', 'path:item_id@36', 'path:tag@36']);
  });
});
