"""API tests: authentication, organisation isolation, stock movements."""
from django.contrib.auth import get_user_model
from django.test import TestCase
from rest_framework.test import APIClient

from .models import Organisation, Product


class ProductApiTests(TestCase):
    def setUp(self):
        users = get_user_model()
        self.alice = users.objects.create_user("alice", password="a-long-test-password")
        self.bob = users.objects.create_user("bob", password="another-long-test-password")
        self.acme = Organisation.objects.create(name="Acme")
        self.acme.members.add(self.alice)
        self.globex = Organisation.objects.create(name="Globex")
        self.globex.members.add(self.bob)
        self.widget = Product.objects.create(organisation=self.acme, sku="W-1", name="Widget", reorder_level=5)
        self.client = APIClient()

    def test_anonymous_requests_are_refused(self):
        response = self.client.get("/api/products/")
        self.assertIn(response.status_code, (401, 403))

    def test_members_see_their_organisation_products(self):
        self.client.force_authenticate(self.alice)
        response = self.client.get("/api/products/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual([p["sku"] for p in response.json()["results"]], ["W-1"])

    def test_other_organisations_cannot_read_a_product(self):
        self.client.force_authenticate(self.bob)
        response = self.client.get(f"/api/products/{self.widget.id}/")
        self.assertEqual(response.status_code, 404)

    def test_low_stock_report_is_for_staff_only(self):
        self.client.force_authenticate(self.alice)
        response = self.client.get("/api/reports/low-stock/")
        self.assertEqual(response.status_code, 403)


class HealthTests(TestCase):
    def test_health_check_answers(self):
        response = self.client.get("/healthz/")
        self.assertEqual(response.json(), {"status": "ok"})
