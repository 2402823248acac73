/**
 * The Django / DRF route extractor on inline file trees: ROOT_URLCONF, include() of modules,
 * lists and routers, function and class-based views, ViewSet actions, guards from decorators,
 * mixins, method_decorator, permission_classes and DEFAULT_PERMISSION_CLASSES, path inputs.
 */
import { describe, expect, it } from 'vitest';
import type { Route } from '../../src/model/repo-index.ts';
import { routesOfTree, summariseRoutes } from '../support/route-table.ts';

const routesOf = (files: Record<string, string>): Promise<Route[]> =>
  routesOfTree({ 'requirements.txt': 'Django==5.1.4\ndjangorestframework==3.15.2\n', 'manage.py': 'import os\n', ...files });
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const SETTINGS = lines(
  'from pathlib import Path',
  '',
  'BASE_DIR = Path(__file__).resolve().parent.parent',
  'ROOT_URLCONF = "config.urls"',
  'INSTALLED_APPS = ["django.contrib.admin", "rest_framework", "shop", "accounts"]',
  'MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]',
);

describe('extractDjangoRoutes', () => {
  it('follows ROOT_URLCONF through include() of modules, namespaced tuples and lists', async () => {
    const routes = await routesOf({
      'config/__init__.py': '',
      'config/settings.py': SETTINGS,
      'config/urls.py': lines(
        'from django.contrib import admin',
        'from django.urls import include, path, re_path',
        'from shop import views as shop_views',
        '',
        'extra_patterns = [',
        '    path("reports/", shop_views.report),',
        ']',
        '',
        'urlpatterns = [',
        '    path("admin/", admin.site.urls),',
        '    path("shop/", include("shop.urls")),',
        '    path("accounts/<slug:team>/", include(("accounts.urls", "accounts"), namespace="accounts")),',
        '    path("extra/", include(extra_patterns)),',
        '    re_path(r"^legacy/(?P<order_id>\\d+)/$", shop_views.legacy_order),',
        ']',
        'urlpatterns += [path("healthz", shop_views.healthz)]',
      ),
      'shop/__init__.py': '',
      'shop/urls.py': lines(
        'from django.contrib.auth.decorators import login_required',
        'from django.urls import path',
        'from . import views',
        '',
        'app_name = "shop"',
        'urlpatterns = [',
        '    path("", views.index, name="index"),',
        '    path("orders/<int:pk>/", views.order_detail, name="order-detail"),',
        '    path("orders/<int:pk>/cancel/", views.cancel_order, name="order-cancel"),',
        '    path("cart/", login_required(views.CartView.as_view()), name="cart"),',
        ']',
      ),
      'shop/views.py': lines(
        'from django.contrib.auth.decorators import login_required, permission_required',
        'from django.http import HttpResponse, JsonResponse',
        'from django.views import View',
        'from django.views.decorators.http import require_http_methods, require_POST',
        '',
        'def index(request):',
        '    return HttpResponse("shop")',
        '',
        '@login_required',
        'def order_detail(request, pk):',
        '    return JsonResponse({"id": pk})',
        '',
        '@require_POST',
        '@permission_required("shop.change_order", raise_exception=True)',
        'def cancel_order(request, pk):',
        '    return JsonResponse({"cancelled": pk})',
        '',
        'class CartView(View):',
        '    def get(self, request):',
        '        return JsonResponse({"items": []})',
        '',
        '    def post(self, request):',
        '        return JsonResponse({"ok": True})',
        '',
        '@require_http_methods(["GET", "POST"])',
        'def report(request):',
        '    return HttpResponse("report")',
        '',
        'def legacy_order(request, order_id):',
        '    return HttpResponse(order_id)',
        '',
        'def healthz(request):',
        '    return HttpResponse("ok")',
      ),
      'accounts/__init__.py': '',
      'accounts/urls.py': lines(
        'from django.urls import path',
        'from .views import ProfileView, SettingsView',
        '',
        'urlpatterns = [',
        '    path("profile/", ProfileView.as_view()),',
        '    path("settings/", SettingsView.as_view()),',
        ']',
      ),
      'accounts/views.py': lines(
        'from django.contrib.auth.mixins import LoginRequiredMixin',
        'from django.contrib.auth.decorators import login_required',
        'from django.utils.decorators import method_decorator',
        'from django.views.generic import DetailView, UpdateView',
        '',
        'class ProfileView(LoginRequiredMixin, DetailView):',
        '    template_name = "accounts/profile.html"',
        '',
        '@method_decorator(login_required, name="dispatch")',
        'class SettingsView(UpdateView):',
        '    fields = ["email"]',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /accounts/<slug:team>/profile ProfileView.get accounts/urls.py:5 [route:LoginRequiredMixin]',
      'GET /accounts/<slug:team>/settings SettingsView.get accounts/urls.py:6 [route:login_required]',
      'POST /accounts/<slug:team>/settings SettingsView.post accounts/urls.py:6 [route:login_required]',
      'GET /extra/reports report config/urls.py:6 []',
      'POST /extra/reports report config/urls.py:6 []',
      'ANY /admin admin.site.urls config/urls.py:10 [route:admin.site (staff login)]',
      'GET /legacy/(?P<order_id>\\d+) legacy_order config/urls.py:14 []',
      'GET /healthz healthz config/urls.py:16 []',
      'GET /shop index shop/urls.py:7 []',
      'GET /shop/orders/<int:pk> order_detail shop/urls.py:8 [route:login_required]',
      'POST /shop/orders/<int:pk>/cancel cancel_order shop/urls.py:9 [route:permission_required("shop.change_order", raise_exception=True)]',
      'GET /shop/cart CartView.get shop/urls.py:10 [route:login_required]',
      'POST /shop/cart CartView.post shop/urls.py:10 [route:login_required]',
    ]);
    const byHandler = (name: string) => routes.find((r) => r.handler.name === name)!;
    expect(byHandler('order_detail').inputs.map((i) => [i.name, i.source, i.param, i.type, i.at.file, i.at.startLine])).toEqual([
      ['pk', 'path', 'pk', 'int', 'shop/urls.py', 8],
    ]);
    expect(byHandler('legacy_order').inputs.map((i) => [i.name, i.param, i.type])).toEqual([['order_id', 'order_id', 'int']]);
    expect(byHandler('ProfileView.get').inputs.map((i) => [i.name, i.param, i.type])).toEqual([['team', undefined, 'slug']]);
    const cart = byHandler('CartView.post');
    expect([cart.handler.file, cart.handler.startLine, cart.handler.node?.kind()]).toEqual(['shop/views.py', 22, 'function_definition']);
    // a generic view's inherited method has no body in the project
    expect(byHandler('ProfileView.get').handler).toMatchObject({ file: 'accounts/views.py', startLine: 6 });
    expect(byHandler('ProfileView.get').handler.node).toBeUndefined();
  });

  it('expands DRF routers into ViewSet actions and applies permission_classes over DEFAULT_PERMISSION_CLASSES', async () => {
    const routes = await routesOf({
      'backend/config/__init__.py': '',
      'backend/config/settings/__init__.py': '',
      'backend/config/settings/base.py': lines(
        'ROOT_URLCONF = "config.urls"',
        'REST_FRAMEWORK = {',
        '    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],',
        '    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],',
        '}',
      ),
      'backend/config/urls.py': lines(
        'from django.urls import include, path',
        'from rest_framework.authtoken.views import obtain_auth_token',
        'from api.routers import router',
        'from api import views',
        '',
        'urlpatterns = [',
        '    path("api/v1/", include(router.urls)),',
        '    path("api/v1/auth/token/", obtain_auth_token),',
        '    path("api/v1/ping/", views.ping),',
        '    path("api/v1/stats/", views.stats),',
        '    path("api/v1/invoices/", views.InvoiceList.as_view()),',
        '    path("api/v1/invoices/<uuid:invoice_id>/", views.InvoiceDetail.as_view()),',
        '    path("api/v1/tags/", views.TagViewSet.as_view({"get": "list", "post": "create"})),',
        ']',
      ),
      'backend/api/__init__.py': '',
      'backend/api/routers.py': lines(
        'from rest_framework.routers import DefaultRouter',
        'from .views import ArticleViewSet, ProjectViewSet, PublicCatalogViewSet',
        '',
        'router = DefaultRouter()',
        'router.register(r"projects", ProjectViewSet, basename="project")',
        'router.register(r"articles", ArticleViewSet)',
        'router.register(r"catalog", PublicCatalogViewSet, basename="catalog")',
      ),
      'backend/api/views.py': lines(
        'from rest_framework import generics, mixins, permissions, viewsets',
        'from rest_framework.decorators import action, api_view, permission_classes',
        'from rest_framework.permissions import AllowAny, IsAdminUser, IsAuthenticatedOrReadOnly',
        'from rest_framework.response import Response',
        '',
        'class ProjectViewSet(viewsets.ModelViewSet):',
        '    lookup_field = "slug"',
        '',
        '    def perform_create(self, serializer):',
        '        serializer.save(owner=self.request.user)',
        '',
        '    @action(detail=True, methods=["post"], permission_classes=[IsAdminUser])',
        '    def archive(self, request, slug=None):',
        '        reason = request.data.get("reason")',
        '        return Response({"archived": slug, "reason": reason})',
        '',
        '    @action(detail=False, url_path="by-owner")',
        '    def by_owner(self, request):',
        '        return Response([request.query_params.get("owner")])',
        '',
        'class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):',
        '    permission_classes = [IsAuthenticatedOrReadOnly]',
        '',
        '    def destroy(self, request, pk=None):',
        '        return Response(status=204)',
        '',
        'class PublicCatalogViewSet(viewsets.ReadOnlyModelViewSet):',
        '    permission_classes = [AllowAny]',
        '',
        'class TagViewSet(viewsets.ViewSet):',
        '    def get_permissions(self):',
        '        if self.action == "list":',
        '            return [AllowAny()]',
        '        return [permissions.IsAdminUser()]',
        '',
        '    def list(self, request):',
        '        return Response([])',
        '',
        '    def create(self, request):',
        '        return Response(request.data)',
        '',
        '@api_view(["GET"])',
        '@permission_classes([AllowAny])',
        'def ping(request):',
        '    return Response({"pong": True})',
        '',
        '@api_view(["GET", "POST"])',
        'def stats(request):',
        '    return Response({})',
        '',
        'class InvoiceList(generics.ListCreateAPIView):',
        '    permission_classes = (permissions.IsAuthenticated | permissions.IsAdminUser,)',
        '',
        'class InvoiceDetail(generics.RetrieveUpdateDestroyAPIView):',
        '    permission_classes = []',
        '    lookup_url_kwarg = "invoice_id"',
      ),
    });
    const app = '[app:DEFAULT_PERMISSION_CLASSES: IsAuthenticated]';
    expect(summariseRoutes(routes)).toEqual([
      `GET /api/v1/projects ProjectViewSet.list backend/api/routers.py:5 ${app}`,
      `POST /api/v1/projects ProjectViewSet.create backend/api/routers.py:5 ${app}`,
      `GET /api/v1/projects/{slug} ProjectViewSet.retrieve backend/api/routers.py:5 ${app}`,
      `PUT /api/v1/projects/{slug} ProjectViewSet.update backend/api/routers.py:5 ${app}`,
      `PATCH /api/v1/projects/{slug} ProjectViewSet.partial_update backend/api/routers.py:5 ${app}`,
      `DELETE /api/v1/projects/{slug} ProjectViewSet.destroy backend/api/routers.py:5 ${app}`,
      // IsAuthenticatedOrReadOnly lets anyone read and guards only writes
      'GET /api/v1/articles ArticleViewSet.list backend/api/routers.py:6 []',
      'GET /api/v1/articles/{pk} ArticleViewSet.retrieve backend/api/routers.py:6 []',
      'DELETE /api/v1/articles/{pk} ArticleViewSet.destroy backend/api/routers.py:6 [route:permission_classes: IsAuthenticatedOrReadOnly]',
      // AllowAny on the class overrides the restrictive default
      'GET /api/v1/catalog PublicCatalogViewSet.list backend/api/routers.py:7 []',
      'GET /api/v1/catalog/{pk} PublicCatalogViewSet.retrieve backend/api/routers.py:7 []',
      'POST /api/v1/projects/{slug}/archive ProjectViewSet.archive backend/api/views.py:12 [route:permission_classes: IsAdminUser]',
      `GET /api/v1/projects/by-owner ProjectViewSet.by_owner backend/api/views.py:17 ${app}`,
      'POST /api/v1/auth/token obtain_auth_token backend/config/urls.py:8 []',
      'GET /api/v1/ping ping backend/config/urls.py:9 []',
      `GET /api/v1/stats stats backend/config/urls.py:10 ${app}`,
      `POST /api/v1/stats stats backend/config/urls.py:10 ${app}`,
      'GET /api/v1/invoices InvoiceList.get backend/config/urls.py:11 [route:permission_classes: permissions.IsAuthenticated | permissions.IsAdminUser]',
      'POST /api/v1/invoices InvoiceList.post backend/config/urls.py:11 [route:permission_classes: permissions.IsAuthenticated | permissions.IsAdminUser]',
      // an empty permission_classes makes the view public
      'GET /api/v1/invoices/<uuid:invoice_id> InvoiceDetail.get backend/config/urls.py:12 []',
      'PUT /api/v1/invoices/<uuid:invoice_id> InvoiceDetail.put backend/config/urls.py:12 []',
      'PATCH /api/v1/invoices/<uuid:invoice_id> InvoiceDetail.patch backend/config/urls.py:12 []',
      'DELETE /api/v1/invoices/<uuid:invoice_id> InvoiceDetail.delete backend/config/urls.py:12 []',
      // get_permissions() returns AllowAny for the list action only
      'GET /api/v1/tags TagViewSet.list backend/config/urls.py:13 []',
      'POST /api/v1/tags TagViewSet.create backend/config/urls.py:13 [route:TagViewSet.get_permissions()]',
    ]);
    const inputsOf = (name: string) => routes.find((r) => r.handler.name === name)!.inputs.map((i) => [i.source, i.name, i.param ?? '', i.type ?? '']);
    expect(inputsOf('ProjectViewSet.archive')).toEqual([
      ['path', 'slug', 'slug', 'str'],
      ['body', 'reason', '', ''],
    ]);
    expect(inputsOf('ProjectViewSet.by_owner')).toEqual([['query', 'owner', '', '']]);
    expect(inputsOf('InvoiceDetail.get')).toEqual([['path', 'invoice_id', '', 'UUID']]);
    expect(inputsOf('TagViewSet.create')).toEqual([['body', '*', '', '']]);
  });

  it('without ROOT_URLCONF takes every URLconf no other includes as a root, and finds project guards', async () => {
    const routes = await routesOfTree({
      'requirements.txt': 'django>=4.2\n',
      'portal/urls.py': lines(
        'from django.contrib import admin',
        'from django.conf.urls import url',
        'from django.urls import include, path',
        'from rest_framework.urlpatterns import format_suffix_patterns',
        'from . import views',
        '',
        'urlpatterns = [',
        '    url(r"^billing/", include("billing.urls")),',
        '    url(r"^export/(?P<fmt>[a-z]+)/$", views.export),',
        '    url(r"^admin/", include(admin.site.urls)),',
        ']',
        'urlpatterns.append(path("webhooks/stripe/", views.stripe_webhook))',
        'urlpatterns = format_suffix_patterns(urlpatterns)',
      ),
      'portal/views.py': lines(
        'from django.http import HttpResponse',
        'from django.views.decorators.csrf import csrf_exempt',
        'from django.views.decorators.http import require_POST',
        'from .decorators import member_only',
        '',
        '@member_only',
        'def export(request, fmt):',
        '    return HttpResponse(fmt)',
        '',
        '@csrf_exempt',
        '@require_POST',
        'def stripe_webhook(request):',
        '    payload = request.body',
        '    return HttpResponse(status=200)',
      ),
      'portal/decorators.py': lines(
        'from functools import wraps',
        'from django.http import HttpResponseForbidden',
        '',
        'def member_only(view):',
        '    @wraps(view)',
        '    def wrapper(request, *args, **kwargs):',
        '        if not request.user.groups.filter(name="members").exists():',
        '            return HttpResponseForbidden()',
        '        return view(request, *args, **kwargs)',
        '    return wrapper',
      ),
      'billing/urls.py': lines(
        'from django.urls import path',
        'from .views import InvoiceView, RefundView',
        '',
        'urlpatterns = [',
        '    path("invoices/<int:pk>/", InvoiceView.as_view()),',
        '    path("refunds/", RefundView.as_view()),',
        ']',
      ),
      'billing/mixins.py': lines(
        'from django.core.exceptions import PermissionDenied',
        '',
        'class BillingAccountMixin:',
        '    def dispatch(self, request, *args, **kwargs):',
        '        if request.user.id != self.get_object().owner_id:',
        '            raise PermissionDenied',
        '        return super().dispatch(request, *args, **kwargs)',
      ),
      'billing/views.py': lines(
        'from django.contrib.auth.decorators import login_required',
        'from django.utils.decorators import method_decorator',
        'from django.views import View',
        'from django.http import JsonResponse',
        'from .mixins import BillingAccountMixin',
        '',
        'class InvoiceView(BillingAccountMixin, View):',
        '    def get(self, request, pk):',
        '        return JsonResponse({"id": pk})',
        '',
        'class RefundView(View):',
        '    http_method_names = ["get", "post"]',
        '',
        '    def get(self, request):',
        '        return JsonResponse({"refunds": []})',
        '',
        '    @method_decorator(login_required)',
        '    def post(self, request):',
        '        amount = request.POST["amount"]',
        '        return JsonResponse({"amount": amount})',
        '',
        '    def delete(self, request):',
        '        return JsonResponse({})',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /billing/invoices/<int:pk> InvoiceView.get billing/urls.py:5 [route:BillingAccountMixin.dispatch]',
      'GET /billing/refunds RefundView.get billing/urls.py:6 []',
      'POST /billing/refunds RefundView.post billing/urls.py:6 [route:login_required]',
      'GET /export/(?P<fmt>[a-z]+) export portal/urls.py:9 [route:member_only]',
      'ANY /admin admin.site.urls portal/urls.py:10 [route:admin.site (staff login)]',
      'POST /webhooks/stripe stripe_webhook portal/urls.py:12 []',
    ]);
    const refund = routes.find((r) => r.handler.name === 'RefundView.post')!;
    expect(refund.inputs.map((i) => [i.source, i.name])).toEqual([['form', 'amount']]);
    expect(routes.find((r) => r.handler.name === 'stripe_webhook')!.inputs.map((i) => [i.source, i.name])).toEqual([['body', '*']]);
  });

  it('treats Django 5.1 LoginRequiredMiddleware as an app guard except for login_not_required views', async () => {
    const routes = await routesOf({
      'site/settings.py': lines('ROOT_URLCONF = "site.urls"', 'MIDDLEWARE = [', '    "django.contrib.auth.middleware.LoginRequiredMiddleware",', ']'),
      'site/urls.py': lines(
        'from django.urls import path',
        'from . import views',
        '',
        'urlpatterns = [path("dashboard/", views.dashboard), path("signup/", views.signup), path("about/", views.AboutView.as_view())]',
      ),
      'site/views.py': lines(
        'from django.contrib.auth.decorators import login_not_required',
        'from django.utils.decorators import method_decorator',
        'from django.views.generic import TemplateView',
        '',
        'def dashboard(request):',
        '    return None',
        '',
        '@login_not_required',
        'def signup(request):',
        '    return None',
        '',
        '@method_decorator(login_not_required, name="dispatch")',
        'class AboutView(TemplateView):',
        '    template_name = "about.html"',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /dashboard dashboard site/urls.py:4 [app:LoginRequiredMiddleware]',
      'GET /signup signup site/urls.py:4 []',
      'GET /about AboutView.get site/urls.py:4 []',
    ]);
  });

  it('survives odd URLconfs: self-including modules, unresolvable views, non-literal routes', async () => {
    const routes = await routesOf({
      'proj/settings.py': 'ROOT_URLCONF = "proj.urls"\n',
      'proj/urls.py': lines(
        'from django.urls import include, path',
        'from . import views',
        'from .views import *',
        'PREFIX = "v2/"',
        'urlpatterns = [',
        '    path("loop/", include("proj.urls")),',
        '    path(f"{PREFIX}x/", views.x),',
        '    path(PREFIX, views.x),',
        '    path("missing/", views.does_not_exist),',
        '    path("ext/", include("django.contrib.auth.urls")),',
        '    *[path(f"p{i}/", views.x) for i in range(3)],',
        '    path("star/", StarView.as_view()),',
        ']',
      ),
      'proj/views.py': lines('from django.views import View', '', 'def x(request):', '    return None', '', 'class StarView(View):', '    async def post(self, request):', '        return None'),
    });
    expect(summariseRoutes(routes)).toEqual(['GET /v2 x proj/urls.py:8 []', 'POST /star StarView.post proj/urls.py:12 []']);
    expect(routes.map((r) => r.handler.isAsync)).toEqual([false, true]);
  });

  it('infers the methods of a function view without a method decorator from its body', async () => {
    const routes = await routesOf({
      'blog/settings.py': 'ROOT_URLCONF = "blog.urls"\n',
      'blog/urls.py': lines(
        'from django.urls import path',
        'from . import views',
        '',
        'urlpatterns = [',
        '    path("posts/", views.post_list),',
        '    path("posts/new/", views.post_new),',
        '    path("posts/<int:pk>/like/", views.like),',
        '    path("posts/<int:pk>/purge/", views.purge),',
        '    path("posts/<int:pk>/edit/", views.edit),',
        ']',
      ),
      'blog/views.py': lines(
        'from django.shortcuts import redirect, render',
        'from .forms import PostForm',
        'from .models import Post',
        '',
        'def post_list(request):',
        '    context = {"posts": Post.objects.all()}',
        '    seen = set()',
        '    for post in context["posts"]:',
        '        seen.add(post.author_id)',
        '    context.update({"authors": len(seen)})',
        '    return render(request, "blog/list.html", context)',
        '',
        'def post_new(request):',
        '    if request.method == "POST":',
        '        form = PostForm(request.POST)',
        '        if form.is_valid():',
        '            form.save()',
        '            return redirect("/posts/")',
        '    else:',
        '        form = PostForm()',
        '    return render(request, "blog/new.html", {"form": form})',
        '',
        'def like(request, pk):',
        '    Post.objects.filter(pk=pk).update(likes=1)',
        '    return redirect("/posts/")',
        '',
        'def purge(request, pk):',
        '    Post.objects.get(pk=pk).delete()',
        '    return redirect("/posts/")',
        '',
        'def edit(request, pk):',
        '    if request.method in ("PUT", "PATCH"):',
        '        return redirect("/posts/")',
        '    return render(request, "blog/edit.html")',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /posts post_list blog/urls.py:5 []',
      'GET /posts/new post_new blog/urls.py:6 []',
      'POST /posts/new post_new blog/urls.py:6 []',
      'ANY /posts/<int:pk>/like like blog/urls.py:7 []',
      'ANY /posts/<int:pk>/purge purge blog/urls.py:8 []',
      'GET /posts/<int:pk>/edit edit blog/urls.py:9 []',
      'PUT /posts/<int:pk>/edit edit blog/urls.py:9 []',
      'PATCH /posts/<int:pk>/edit edit blog/urls.py:9 []',
    ]);
  });

  it('counts an early `if not request.user.is_authenticated: return redirect(...)` as a guard, not a mere branch on it', async () => {
    const routes = await routesOf({
      'web/settings.py': 'ROOT_URLCONF = "web.urls"\n',
      'web/urls.py': lines(
        'from django.urls import path',
        'from . import views',
        '',
        'urlpatterns = [path("dashboard/", views.dashboard), path("home/", views.home), path("staff/", views.StaffReport.as_view())]',
      ),
      'web/views.py': lines(
        'from django.core.exceptions import PermissionDenied',
        'from django.shortcuts import redirect, render',
        'from django.views import View',
        '',
        'def dashboard(request):',
        '    if not request.user.is_authenticated:',
        '        return redirect("/login/")',
        '    return render(request, "dashboard.html")',
        '',
        'def home(request):',
        '    if not request.user.is_authenticated:',
        '        context = {"greeting": "Welcome, guest"}',
        '    else:',
        '        context = {"greeting": request.user.first_name}',
        '    return render(request, "home.html", context)',
        '',
        'class StaffReport(View):',
        '    def get(self, request):',
        '        if not request.user.is_staff:',
        '            raise PermissionDenied',
        '        return render(request, "report.html")',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /dashboard dashboard web/urls.py:4 [route:if not request.user.is_authenticated]',
      'GET /home home web/urls.py:4 []',
      'GET /staff StaffReport.get web/urls.py:4 [route:if not request.user.is_staff]',
    ]);
  });

  it('handles routers appended to urlpatterns, nested routers and method_decorator on one method', async () => {
    const routes = await routesOf({
      'svc/settings.py': 'ROOT_URLCONF = "svc.urls"\n',
      'svc/urls.py': lines(
        'from django.contrib.auth.decorators import login_required',
        'from django.urls import include, path',
        'from rest_framework.routers import SimpleRouter',
        'from rest_framework_nested.routers import NestedSimpleRouter',
        'from . import views',
        '',
        'router = SimpleRouter()',
        'router.register("teams", views.TeamViewSet)',
        'members = NestedSimpleRouter(router, r"teams", lookup="team")',
        'members.register(r"members", views.MemberViewSet, basename="team-members")',
        '',
        'urlpatterns = [path("uploads/", views.UploadView.as_view())]',
        'urlpatterns += router.urls',
        'urlpatterns += [path("", include((members.urls, "members")))]',
      ),
      'svc/views.py': lines(
        'from django.contrib.auth.decorators import login_required',
        'from django.utils.decorators import method_decorator',
        'from django.views import View',
        'from rest_framework import viewsets',
        'from rest_framework.permissions import IsAuthenticated',
        '',
        'class TeamViewSet(viewsets.ReadOnlyModelViewSet):',
        '    permission_classes = [IsAuthenticated]',
        '',
        'class MemberViewSet(viewsets.ViewSet):',
        '    def create(self, request, team_pk=None):',
        '        return None',
        '',
        '@method_decorator(login_required, name="post")',
        'class UploadView(View):',
        '    def get(self, request):',
        '        return None',
        '',
        '    def post(self, request):',
        '        upload = request.FILES["file"]',
        '        return None',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /teams TeamViewSet.list svc/urls.py:8 [route:permission_classes: IsAuthenticated]',
      'GET /teams/{pk} TeamViewSet.retrieve svc/urls.py:8 [route:permission_classes: IsAuthenticated]',
      'POST /teams/{team_pk}/members MemberViewSet.create svc/urls.py:10 []',
      'GET /uploads UploadView.get svc/urls.py:12 []',
      'POST /uploads UploadView.post svc/urls.py:12 [route:login_required]',
    ]);
    const create = routes.find((r) => r.handler.name === 'MemberViewSet.create')!;
    expect(create.inputs.map((i) => [i.source, i.name, i.param ?? ''])).toEqual([['path', 'team_pk', 'team_pk']]);
  });

  it('follows a Django Ninja API mounted in the URLconf, its routers and auth at api, router and operation level', async () => {
    const routes = await routesOf({
      'requirements.txt': 'Django==5.1.4\ndjango-ninja==1.3.0\n',
      'core/settings.py': 'ROOT_URLCONF = "core.urls"\n',
      'core/urls.py': lines('from django.urls import path', 'from .api import api', '', 'urlpatterns = [path("api/", api.urls)]'),
      'core/api.py': lines(
        'from ninja import NinjaAPI',
        'from ninja.security import django_auth',
        'from orders.api import router as orders_router',
        '',
        'api = NinjaAPI(auth=django_auth)',
        'api.add_router("/orders/", orders_router)',
        'api.add_router("/public/", "catalog.api.router")',
        '',
        '@api.get("/health", auth=None)',
        'def health(request):',
        '    return {"ok": True}',
      ),
      'orders/api.py': lines(
        'from ninja import File, Query, Router, Schema',
        'from ninja.files import UploadedFile',
        '',
        'router = Router()',
        '',
        'class OrderIn(Schema):',
        '    sku: str',
        '',
        '@router.post("/")',
        'def create_order(request, payload: OrderIn):',
        '    return {"sku": payload.sku}',
        '',
        '@router.get("/{int:order_id}")',
        'def get_order(request, order_id: int, expand: bool = False):',
        '    return {"id": order_id}',
        '',
        '@router.post("/{order_id}/receipt")',
        'def upload_receipt(request, order_id: int, receipt: UploadedFile = File(...)):',
        '    return {"id": order_id}',
      ),
      'catalog/api.py': lines(
        'from ninja import Router',
        '',
        'router = Router(auth=None)',
        '',
        '@router.get("/items")',
        'def list_items(request, q: str = ""):',
        '    return []',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /api/public/items list_items catalog/api.py:5 []',
      'GET /api/health health core/api.py:9 []',
      'POST /api/orders create_order orders/api.py:9 [app:auth=django_auth]',
      'GET /api/orders/{int:order_id} get_order orders/api.py:13 [app:auth=django_auth]',
      'POST /api/orders/{order_id}/receipt upload_receipt orders/api.py:17 [app:auth=django_auth]',
    ]);
    const inputsOf = (name: string) => routes.find((r) => r.handler.name === name)!.inputs.map((i) => [i.source, i.name, i.param ?? '', i.type ?? '']);
    expect(inputsOf('get_order')).toEqual([
      ['path', 'order_id', 'order_id', 'int'],
      ['query', 'expand', 'expand', 'bool'],
    ]);
    expect(inputsOf('create_order')).toEqual([['body', '*', 'payload', 'OrderIn']]);
    expect(inputsOf('upload_receipt')).toEqual([
      ['path', 'order_id', 'order_id', 'int'],
      ['file', 'receipt', 'receipt', 'UploadedFile'],
    ]);
  });

  it('counts a project middleware that redirects anonymous users as an app guard, not Django\'s AuthenticationMiddleware', async () => {
    const tree = (middleware: string) => ({
      'intranet/settings.py': lines(
        'ROOT_URLCONF = "intranet.urls"',
        'MIDDLEWARE = [',
        '    "django.contrib.sessions.middleware.SessionMiddleware",',
        '    "django.contrib.auth.middleware.AuthenticationMiddleware",',
        `    "${middleware}",`,
        ']',
      ),
      'intranet/urls.py': lines('from django.urls import path', 'from . import views', '', 'urlpatterns = [path("reports/", views.reports)]'),
      'intranet/views.py': lines('from django.http import HttpResponse', '', 'def reports(request):', '    return HttpResponse("reports")'),
      'intranet/middleware.py': lines(
        'import time',
        'from django.conf import settings',
        'from django.shortcuts import redirect',
        '',
        'class RequireLoginMiddleware:',
        '    def __init__(self, get_response):',
        '        self.get_response = get_response',
        '',
        '    def __call__(self, request):',
        '        if not request.user.is_authenticated and request.path != settings.LOGIN_URL:',
        '            return redirect(f"{settings.LOGIN_URL}?next={request.path}")',
        '        return self.get_response(request)',
        '',
        'class TimingMiddleware:',
        '    def __init__(self, get_response):',
        '        self.get_response = get_response',
        '',
        '    def __call__(self, request):',
        '        started = time.monotonic()',
        '        response = self.get_response(request)',
        '        response["X-Elapsed"] = str(time.monotonic() - started)',
        '        return response',
      ),
    });
    expect(summariseRoutes(await routesOf(tree('intranet.middleware.RequireLoginMiddleware')))).toEqual([
      'GET /reports reports intranet/urls.py:4 [app:RequireLoginMiddleware]',
    ]);
    expect(summariseRoutes(await routesOf(tree('intranet.middleware.TimingMiddleware')))).toEqual(['GET /reports reports intranet/urls.py:4 []']);
  });

  it('reads get_permissions() branches on the request method, negated ones included', async () => {
    const routes = await routesOf({
      'hub/settings.py': 'ROOT_URLCONF = "hub.urls"\n',
      'hub/urls.py': lines(
        'from django.urls import path',
        'from . import views',
        '',
        'urlpatterns = [path("posts/", views.PostList.as_view()), path("polls/", views.PollList.as_view())]',
      ),
      'hub/views.py': lines(
        'from rest_framework import generics, permissions',
        '',
        'class PostList(generics.ListCreateAPIView):',
        '    def get_permissions(self):',
        '        if self.request.method in permissions.SAFE_METHODS:',
        '            return [permissions.AllowAny()]',
        '        return [permissions.IsAuthenticated()]',
        '',
        'class PollList(generics.ListCreateAPIView):',
        '    def get_permissions(self):',
        '        if self.request.method != "GET":',
        '            return [permissions.IsAdminUser()]',
        '        return super().get_permissions()',
      ),
    });
    expect(summariseRoutes(routes)).toEqual([
      'GET /posts PostList.get hub/urls.py:4 []',
      'POST /posts PostList.post hub/urls.py:4 [route:PostList.get_permissions()]',
      'GET /polls PollList.get hub/urls.py:4 []',
      'POST /polls PollList.post hub/urls.py:4 [route:PollList.get_permissions()]',
    ]);
  });
});
