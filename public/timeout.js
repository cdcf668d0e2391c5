// Progressive enhancement only. Without this file an idle sign-in simply ends and the next page
// says why, and each long form keeps its "Save as draft" button. With it: the GOV.UK timeout
// warning two minutes before the end (WCAG 2.2.1), and forms saved as drafts as people type.

const AUTOSAVE_MS = 30_000

// Drafts: a form marked data-draft-form is posted with _draft=auto when it has changed, every
// 30 seconds, before the sign-in runs out, and when the page is left.
const draftForms = [...document.querySelectorAll('form[data-draft-form]')]
const changed = new Set()

function savedAtText(iso) {
  const at = new Date(iso)
  return at
    .toLocaleTimeString('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' })
    .replace(' ', '')
}

async function saveDraft(form, leaving = false) {
  if (!changed.has(form)) return
  changed.delete(form)
  const body = new URLSearchParams(new FormData(form))
  body.set('_draft', 'auto')
  const status = form.querySelector('[data-draft-status]')
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body,
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
      keepalive: leaving,
    })
    const type = response.headers.get('content-type') ?? ''
    if (!response.ok || response.redirected || !type.includes('application/json')) throw new Error('not saved')
    const { savedAt } = await response.json()
    if (status) status.textContent = `Draft saved at ${savedAtText(savedAt)}`
  } catch {
    // Tried again at the next turn; the button still saves by hand.
    changed.add(form)
  }
}

const saveDrafts = () => Promise.all(draftForms.map((form) => saveDraft(form)))

for (const form of draftForms) {
  form.addEventListener('input', () => changed.add(form))
  form.addEventListener('change', () => changed.add(form))
  // Sending the form (or saving by hand) makes the page's own copy pointless.
  form.addEventListener('submit', () => changed.delete(form))
}
if (draftForms.length) {
  setInterval(saveDrafts, AUTOSAVE_MS)
  addEventListener('pagehide', () => {
    for (const form of draftForms) saveDraft(form, true)
  })
}

// The timeout warning, on signed-in pages only (the layout includes its dialog for them).
const dialog = document.getElementById('cascade-timeout')
if (dialog && typeof dialog.showModal === 'function') {
  const warningSeconds = Number(dialog.dataset.warningSeconds)
  const firstCheckSeconds = Number(dialog.dataset.firstCheckSeconds)
  const countdown = dialog.querySelector('[data-timeout-countdown]')
  const announce = dialog.querySelector('[data-timeout-announce]')
  const stayButton = dialog.querySelector('[data-timeout-stay]')
  let checkTimer
  let ticker
  let deadline = 0
  let returnFocus = null
  let lastAnnounced = -1

  const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`
  function timeText(seconds) {
    const minutes = Math.floor(seconds / 60)
    const rest = seconds % 60
    if (minutes === 0) return plural(rest, 'second')
    return rest === 0 ? plural(minutes, 'minute') : `${plural(minutes, 'minute')} ${plural(rest, 'second')}`
  }

  function secondsLeft() {
    return Math.max(0, Math.ceil((deadline - Date.now()) / 1000))
  }

  // The visible countdown changes every second but is hidden from screen readers; what they
  // hear is said when the warning opens and then every 30 seconds, and at 10 seconds.
  function render() {
    const left = secondsLeft()
    countdown.textContent = timeText(left)
    const due = lastAnnounced === -1 || (left % 30 === 0 && left !== lastAnnounced) || left === 10
    if (due && left !== lastAnnounced && left > 0) {
      lastAnnounced = left
      announce.textContent = `For your security, we will sign you out in ${timeText(left)}.`
    }
  }

  function schedule(seconds) {
    clearTimeout(checkTimer)
    checkTimer = setTimeout(() => check(), Math.max(1, seconds) * 1000)
  }

  async function remainingOnServer() {
    try {
      const response = await fetch('/account/session-status', {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      })
      if (!response.ok) return null
      const { remainingSeconds } = await response.json()
      return typeof remainingSeconds === 'number' ? remainingSeconds : null
    } catch {
      return null
    }
  }

  function signedOut() {
    clearTimeout(checkTimer)
    clearInterval(ticker)
    const here = `${location.pathname}${location.search}`
    location.assign(`/session-ended?reason=idle&returnTo=${encodeURIComponent(here)}`)
  }

  function open(left) {
    deadline = Date.now() + left * 1000
    if (!dialog.open) {
      returnFocus = document.activeElement
      lastAnnounced = -1
      dialog.showModal()
      dialog.focus()
    }
    render()
    clearInterval(ticker)
    ticker = setInterval(render, 1000)
  }

  function close() {
    clearInterval(ticker)
    if (!dialog.open) return
    dialog.close()
    announce.textContent = ''
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus()
    returnFocus = null
  }

  // What the server says is left decides: another tab's use keeps this one signed in too.
  async function check(savedFirst = false) {
    const left = await remainingOnServer()
    if (left === null) return schedule(15)
    if (left <= 0) return signedOut()
    if (left > warningSeconds) {
      close()
      return schedule(left - warningSeconds)
    }
    if (changed.size && !savedFirst) {
      // Saving what was typed is use of the sign-in: ask again how long is left after it.
      await saveDrafts()
      return check(true)
    }
    open(left)
    schedule(left)
  }

  async function stay() {
    try {
      const response = await fetch('/account/keep-alive', {
        method: 'POST',
        body: new URLSearchParams({ _csrf: dialog.dataset.csrf }),
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      })
      const type = response.headers.get('content-type') ?? ''
      if (response.ok && !response.redirected && type.includes('application/json')) {
        const { remainingSeconds } = await response.json()
        if (remainingSeconds > 0) {
          close()
          return schedule(remainingSeconds - warningSeconds)
        }
      }
    } catch {
      // The server could not be reached: ask again shortly rather than signing out now.
      return schedule(5)
    }
    signedOut()
  }

  stayButton.addEventListener('click', stay)
  // Escape means stay signed in, as in GOV.UK's pattern, not "close and be signed out".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay()
  })
  // Tab and Shift+Tab go round the dialog's own controls.
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return
    const controls = [...dialog.querySelectorAll('button, a[href]')]
    const first = controls[0]
    const last = controls[controls.length - 1]
    if (event.shiftKey && (document.activeElement === first || document.activeElement === dialog)) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  })
  // A tab in the background may have had its timers slowed: ask again on coming back.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check()
  })
  schedule(firstCheckSeconds)
}
