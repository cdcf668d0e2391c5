/** The kinds of learning product the partnerships' documents name, and their names on screen. */
export const productTypes = [
  'seven_minute_briefing',
  'briefing',
  'one_page_briefing',
  'poster',
  'slides',
  'newsletter',
  'guidance',
  'themed_reading',
  'podcast',
  'video',
  'other',
] as const
export type ProductType = (typeof productTypes)[number]

export const productTypeNames: Record<ProductType, string> = {
  seven_minute_briefing: '7-minute briefing',
  briefing: 'Briefing',
  one_page_briefing: 'One-page briefing',
  poster: 'Poster',
  slides: 'Summary of learning slides',
  newsletter: 'Newsletter',
  guidance: 'Guidance',
  themed_reading: 'Themed reading',
  podcast: 'Podcast',
  video: 'Recorded webinar or video',
  other: 'Other',
}

export const productStatuses = ['draft', 'published', 'withdrawn'] as const
export type ProductStatus = (typeof productStatuses)[number]

export const productStatusNames: Record<ProductStatus, string> = {
  draft: 'Draft',
  published: 'Published',
  withdrawn: 'Withdrawn',
}

/** Status tags: words first, colour only as a help. */
export const productStatusTags: Record<ProductStatus, string> = {
  draft: 'govuk-tag--grey',
  published: 'govuk-tag--green',
  withdrawn: 'govuk-tag--red',
}

export const productVisibilities = ['public', 'workforce'] as const
export type ProductVisibility = (typeof productVisibilities)[number]

export const productVisibilityNames: Record<ProductVisibility, string> = {
  public: 'Anyone, without signing in',
  workforce: 'Signed-in users only',
}
