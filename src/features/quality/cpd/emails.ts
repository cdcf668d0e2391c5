import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'

/** The CPD questionnaire's emails: the request 30 days before a trainer's approval lapses, and the reminder at 7. */

const dayText = (day: string) => londonDateText(new Date(`${day}T12:00:00Z`))

const courseList = (courses: readonly string[]) =>
  courses.length <= 1
    ? (courses[0] ?? 'your courses')
    : `${courses.slice(0, -1).join(', ')} and ${courses.at(-1)}`

export function cpdEmail(
  stage: 'request' | 'reminder',
  to: { email: string; firstName: string },
  lapse: { on: string; courses: readonly string[] },
  partnership: string,
  link: string,
): Email {
  const when = dayText(lapse.on)
  return {
    to: to.email,
    subject:
      stage === 'request'
        ? `Your annual CPD questionnaire: please return it by ${when}`
        : `Reminder: your CPD questionnaire is due by ${when}`,
    text: [
      `Dear ${to.firstName},`,
      '',
      stage === 'request'
        ? `Your approval to deliver ${courseList(lapse.courses)} for ${partnership} lapses on ${when}. Return your annual CPD questionnaire before then and it is renewed for a year.`
        : `We have not yet had your annual CPD questionnaire. Your approval to deliver ${courseList(lapse.courses)} for ${partnership} lapses on ${when}.`,
      '',
      'It asks what CPD you did this year, how many hours, what you updated in your delivery, and which case reviews’ learning you have read.',
      '',
      `Return it here (sign in first): ${link}`,
      '',
      'Once an approval has lapsed you cannot be put on a session until the questionnaire is returned.',
    ].join('\n'),
  }
}
