import type { Email } from '#platform/mail/outbox.ts'

type Registration = { name: string; agency: string; partnership: string }

/** The registrant's receipt: what happens next, and how to sign in meanwhile. */
export function registrationReceived(r: Registration, signInUrl: string): Omit<Email, 'to'> {
  return {
    subject: `Your registration with ${r.partnership}`,
    text: [
      `Dear ${r.name},`,
      '',
      `Thank you for registering with ${r.partnership} as working at ${r.agency}.`,
      `Your agency's safeguarding lead will now confirm that you work there. We will email you when they have.`,
      '',
      `Meanwhile you can sign in with a link sent to this address: ${signInUrl}`,
      '',
      'If you did not register, you can ignore this email.',
    ].join('\n'),
  }
}

/** Sent instead when the address is already in the partnership's directory: nothing is created. */
export function alreadyRegistered(r: { partnership: string }, signInUrl: string): Omit<Email, 'to'> {
  return {
    subject: `Your registration with ${r.partnership}`,
    text: [
      `Someone tried to register this email address with ${r.partnership}, but it is already in the directory.`,
      '',
      `To use the service, sign in with a link sent to this address: ${signInUrl}`,
      '',
      'If this was not you, you can ignore this email.',
    ].join('\n'),
  }
}

/**
 * Sent instead when the address belongs to an account (in this partnership or another):
 * nothing is added to the account unless its owner confirms with the link.
 */
export function joiningToConfirm(r: Registration & { days: number }, confirmUrl: string): Omit<Email, 'to'> {
  return {
    subject: `Confirm your registration with ${r.partnership}`,
    text: [
      `Someone asked to register this email address with ${r.partnership} as ${r.name}, working at ${r.agency}.`,
      '',
      'This address already has a Cascade account, so nothing is added to it until you confirm.',
      `If it was you, confirm within ${r.days} days: ${confirmUrl}`,
      '',
      'If this was not you, you can ignore this email: your account stays as it is.',
    ].join('\n'),
  }
}

/** Tells an agency's lead (or the partnership's admins) that someone waits for them. */
export function registrationToDecide(
  r: Registration & { email: string },
  listUrl: string,
): Omit<Email, 'to'> {
  return {
    subject: `New registration to confirm: ${r.name}, ${r.agency}`,
    text: [
      `${r.name} (${r.email}) has registered with ${r.partnership} as working at ${r.agency}.`,
      '',
      `Confirm them if they work there, or say why not: ${listUrl}`,
      '',
      'Until they are confirmed they can see only their own record.',
    ].join('\n'),
  }
}

export function registrationConfirmed(r: Registration, signInUrl: string): Omit<Email, 'to'> {
  return {
    subject: `Your registration with ${r.partnership} is confirmed`,
    text: [
      `Dear ${r.name},`,
      '',
      `${r.agency}'s safeguarding lead has confirmed your registration. You can now use everything the service offers practitioners.`,
      '',
      `Sign in: ${signInUrl}`,
    ].join('\n'),
  }
}

export function registrationRejected(r: Registration & { reason: string }): Omit<Email, 'to'> {
  return {
    subject: `Your registration with ${r.partnership} was not confirmed`,
    text: [
      `Dear ${r.name},`,
      '',
      `${r.agency}'s safeguarding lead did not confirm your registration, saying:`,
      '',
      r.reason,
      '',
      'If you think this is wrong, speak to your line manager or your agency’s safeguarding lead.',
    ].join('\n'),
  }
}
