/**
 * What other features may use of newsletters: emailing a product's subscribers. The
 * dissemination's "also email subscribers" calls `notifySubscribers` from the newsletter
 * service (`services.newsletters.notifySubscribers`), made with the service's secret and
 * address, inside its own transaction.
 */
export type { SubscriberNotifier } from './notify.ts'
export { subscriberNotifier } from './notify.ts'
export type { NewsletterService } from './service.ts'
