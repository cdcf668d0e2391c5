/** The moment every test app starts at, and the demo partnerships in the seeded template were made. */
export const TEST_NOW = '2026-11-24T10:00:00Z'
