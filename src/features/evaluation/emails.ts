import { londonDateText } from '#platform/clock.ts'
import type { Email } from '#platform/mail/outbox.ts'
import type { StageForm } from './stages.ts'

const greeting = (form: Pick<StageForm, 'personName'>) => [`Dear ${form.personName},`, '']

/** The after-course invitation; `reminder` is 0 for the first email, then 1 and 2. */
export function afterCourseEmail(
  form: StageForm,
  link: string,
  reminder: number,
  forCertificate: boolean,
): Email {
  return {
    to: form.personEmail,
    subject: `${reminder ? 'Reminder: t' : 'T'}ell us about ${form.courseTitle}`,
    text: [
      ...greeting(form),
      `Thank you for coming to ${form.courseTitle} on ${londonDateText(form.startsAt)}. Please tell us how it went: it takes a few minutes, and it shapes the training others receive.`,
      '',
      link,
      ...(forCertificate
        ? [
            '',
            'Your certificate is sent once you have answered, if the register shows you at the whole course.',
          ]
        : []),
      '',
      'The link is yours alone, so please do not pass it on.',
    ].join('\n'),
  }
}

/** The follow-up months on, showing the person the plan they made after the course. */
export function followUpEmail(form: StageForm, link: string, months: number): Email {
  return {
    to: form.personEmail,
    subject: `What difference has it made? ${form.courseTitle}`,
    text: [
      ...greeting(form),
      `${months === 1 ? 'A month' : `${months} months`} ago you came to ${form.courseTitle}. We would like to know what difference it has made to your practice.`,
      ...(form.actionPlans.length
        ? [
            '',
            'After the course you planned to:',
            ...form.actionPlans.map(
              (p) => `- ${p.action}${p.by ? ` (by ${londonDateText(new Date(p.by))})` : ''}`,
            ),
          ]
        : []),
      '',
      link,
      '',
      'If it is not returned within three weeks, we will let your line manager know.',
    ].join('\n'),
  }
}

/** Tells the line manager a follow-up was not returned in three weeks. */
export function managerEmail(form: StageForm, sentAt: Date): Email {
  return {
    to: form.managerEmail,
    subject: `Follow-up evaluation not returned: ${form.personName}`,
    text: [
      'Dear line manager,',
      '',
      `${form.personName} came to ${form.courseTitle} on ${londonDateText(form.startsAt)}. We sent them a follow-up evaluation on ${londonDateText(sentAt)} asking what difference it has made to their practice, and it has not been returned.`,
      '',
      'Please remind them, and talk it over in supervision: the link is in their email.',
    ].join('\n'),
  }
}

/** At booking, for someone a colleague applied for: their own confidence, in their own words. */
export function atBookingEmail(
  form: Pick<StageForm, 'personName' | 'personEmail' | 'courseTitle' | 'startsAt'>,
  link: string,
): Email {
  return {
    to: form.personEmail,
    subject: `Before the course: ${form.courseTitle}`,
    text: [
      ...greeting(form),
      `You have been put forward for ${form.courseTitle} on ${londonDateText(form.startsAt)}. Before it starts, please tell us how confident you feel about what it covers, so we can see what difference it makes:`,
      '',
      link,
    ].join('\n'),
  }
}
