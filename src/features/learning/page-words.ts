import { sectorNames, workforceNames } from '#features/directory/page-forms.ts'
import { pagination } from '#platform/views/pagination.ts'
import type { LibraryFilter } from './forms.ts'
import { PRODUCTS_A_PAGE } from './forms.ts'
import {
  productStatuses,
  productStatusNames,
  productStatusTags,
  productTypeNames,
  productTypes,
  productVisibilities,
  productVisibilityNames,
} from './words.ts'

/** The words every learning page names things with. */
export const words = {
  productTypes,
  productTypeNames,
  productStatuses,
  productStatusNames,
  productStatusTags,
  productVisibilities,
  productVisibilityNames,
  sectorNames,
  workforceNames,
}

/** The library's filter as the address keeps it, for the pages' links. */
export function filterQuery(filter: LibraryFilter): string {
  const kept = Object.entries(filter).filter(
    ([key, value]) => key !== 'page' && value !== undefined && value !== '',
  )
  return new URLSearchParams(kept.map(([k, v]): [string, string] => [k, String(v)])).toString()
}

/** GOV.UK pagination for a list of products at `path` with this filter. */
export function paginationOf(path: string, filter: LibraryFilter, total: number) {
  const pages = Math.max(1, Math.ceil(total / PRODUCTS_A_PAGE))
  const query = filterQuery(filter)
  return pagination(
    Math.min(filter.page, pages),
    pages,
    (n) => `${path}${path.includes('?') ? '&' : '?'}${query ? `${query}&` : ''}page=${n}`,
  )
}

/** A file's size in words: "240 KB", "3.4 MB". */
export function sizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}
