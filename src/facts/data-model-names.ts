/**
 * What column and table names say about the data they hold, for the data-model rules: columns
 * that name a state or a category (`status`, `order_type`), tables of business records that
 * change over time (`payments`, `subscriptions`) and append-only tables (`audit_log`, `events`).
 */
import { toSnakeCase } from '../parse/syntax.ts';
import type { OrmField, OrmModel } from './orm-models.ts';

/** Names of columns that hold a state: free text there is almost always an enumeration. */
const STATE_NAME = /^(status|state|role|tier|plan|priority|stage|phase|visibility)$|_(status|state|role|tier|stage|phase)$/;
/** Names of columns that often hold a category — or free-form labels: only evidence in code decides. */
const CATEGORY_NAME = /^(type|kind|category|level|mode|source|channel|provider|method|frequency|interval|unit|currency|gender_?identity)$|_(type|kind|category|level|mode|method)$/;
/** `content_type`, `mime_type` hold MIME types; `token_type` is fixed by a spec; `*_type_id` is a key. */
const NOT_AN_ENUM = /^(content|mime|media|file|data|column|field|db|token|grant|auth|response)_type$|_id$|^(user_agent|source_url)$/;

export type EnumNameStrength = 'state' | 'category';

/** Whether a column's name says it holds an enumeration: `state` names (status, role, tier …) or `category` names (type, kind …). */
export function enumNameStrength(field: Pick<OrmField, 'name' | 'column'>): EnumNameStrength | undefined {
  const name = toSnakeCase(field.name);
  if (NOT_AN_ENUM.test(name)) return undefined;
  if (STATE_NAME.test(name)) return 'state';
  if (CATEGORY_NAME.test(name)) return 'category';
  return undefined;
}

/** Tables of business records that are updated after they are created: money, entitlements, accounts, orders. */
const MUTABLE_BUSINESS = /(^|_)(users?|accounts?|customers?|members?|orders?|payments?|payouts?|invoices?|subscriptions?|licen[cs]es?|transactions?|refunds?|wallets?|balances?|bookings?|reservations?|contracts?|quotes?|carts?|shipments?)$/;
/** Tables whose rows are written once and never changed. */
const APPEND_ONLY = /(^|_)(logs?|events?|histor(y|ies)|audits?|entries|entry|records?|snapshots?|versions?|revisions?|messages?|notifications?|attempts?|webhooks?|deliveries|outbox|ledger|line_items?|items?)$/;

/** A table of business records updated after creation (by model or table name), excluding append-only logs and event tables. */
export function isMutableBusinessTable(model: Pick<OrmModel, 'name' | 'table'>): boolean {
  const names = [toSnakeCase(model.name), model.table.toLowerCase()];
  if (names.some((n) => APPEND_ONLY.test(n))) return false;
  return names.some((n) => MUTABLE_BUSINESS.test(n));
}

/** Columns that record when a row last changed. */
export function isUpdateTimestamp(field: OrmField): boolean {
  if (field.autoTimestamp === 'update') return true;
  return /^(updated|modified|last_modified|last_updated|changed|date_updated|date_modified|updated_on|modified_on)(_at|_on|_date|_time)?$/.test(toSnakeCase(field.name));
}

/** Columns whose values pick few rows each (keys, emails, tokens): an index pays off on the first query. */
export function isLookupKeyName(field: Pick<OrmField, 'name'>): boolean {
  return /(^|_)(id|uuid|email|username|handle|slug|token|code|key|hash|reference|ref|sku|number|phone|external_id|session_id|sid)$|^(clerk|stripe|auth0|firebase|google|github|apple|supabase|cognito)_/.test(toSnakeCase(field.name));
}
