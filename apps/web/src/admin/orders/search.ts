import { type ListSearch, validateListSearch } from '../listSearch';

/** The orders list's URL: paging and status, and the customer whose orders it shows (if one). */
export interface OrdersSearch extends ListSearch {
  customer_id?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Route `validateSearch` of /orders: drops anything malformed instead of failing the page. */
export function validateOrdersSearch(search: Record<string, unknown>): OrdersSearch {
  const result: OrdersSearch = validateListSearch(search);
  if (typeof search.customer_id === 'string' && UUID.test(search.customer_id))
    result.customer_id = search.customer_id;
  return result;
}
