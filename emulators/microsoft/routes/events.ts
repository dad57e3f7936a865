import type { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorEnv } from '../app-env';
import { dateTimeTimeZone, describeBodyError, eventInput } from '../event-input';
import { eventJson } from '../event-json';
import { respondToEvent } from '../event-answers';
import { cancelEvent, createEvent, deleteEvent, updateEvent } from '../event-writes';
import { badRequest } from '../graph-errors';
import { instancesInWindow, masterView } from '../instances';
import { jsonOptions, nextSkipLink, paging, requiredWindow } from '../query-options';
import { calendarOf, checkIfMatch, eventOf, mailboxPaths, MAILBOX_PREFIXES } from './mailbox-paths';

/** Calendars and events: list, get, create, update, delete, cancel, answer, instances. */

async function jsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest(
      'BadRequest',
      'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
    );
  }
}

function parseEventBody(raw: unknown) {
  const parsed = eventInput.safeParse(raw);
  if (!parsed.success) {
    const error = describeBodyError(parsed.error);
    throw badRequest(error.code, error.message);
  }
  return parsed.data;
}

/** Action bodies as Graph defines them: accept takes no proposedNewTime; cancel only a comment. */
const acceptBody = z
  .object({ comment: z.string().optional(), sendResponse: z.boolean().optional() })
  .strict();
const proposingBody = acceptBody
  .extend({ proposedNewTime: z.object({ start: dateTimeTimeZone, end: dateTimeTimeZone }).optional() })
  .strict();
const ACTION_BODIES = {
  accept: acceptBody,
  tentativelyAccept: proposingBody,
  decline: proposingBody,
  cancel: z.object({ comment: z.string().optional() }).strict(),
};

function parseActionBody(action: keyof typeof ACTION_BODIES, raw: unknown): z.infer<typeof proposingBody> {
  const parsed = ACTION_BODIES[action].safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw badRequest(
      'RequestBodyRead',
      `The parameter '${issue.keys[0] ?? ''}' in the request payload is not a valid parameter for the operation '${action}'.`,
    );
  }
  throw badRequest('RequestBodyRead', 'Invalid request body for the action.');
}

export function registerEventRoutes(app: Hono<EmulatorEnv>): void {
  for (const prefix of MAILBOX_PREFIXES) {
    app.get(`${prefix}/calendars`, (c) => {
      const mailbox = c.get('mailbox');
      const value = c
        .get('store')
        .calendarsOf(mailbox.id)
        .map((calendar) => ({
          id: calendar.id,
          name: calendar.name,
          color: calendar.color,
          hexColor: calendar.hexColor,
          isDefaultCalendar: calendar.isDefault,
          changeKey: calendar.id.slice(-12),
          canShare: true,
          canViewPrivateItems: true,
          canEdit: calendar.canEdit,
          allowedOnlineMeetingProviders: mailbox.kind === 'work' ? ['teamsForBusiness'] : [],
          defaultOnlineMeetingProvider: mailbox.kind === 'work' ? 'teamsForBusiness' : 'none',
          isTallyingResponses: true,
          isRemovable: !calendar.isDefault,
          owner: { name: mailbox.displayName, address: mailbox.email },
        }));
      return c.json({
        '@odata.context': `${c.get('origin')}/v1.0/$metadata#users('${mailbox.id}')/calendars`,
        value,
      });
    });
  }

  for (const path of mailboxPaths('/events')) {
    app.get(path, (c) => {
      const calendar = calendarOf(c);
      const { top, skip } = paging(c);
      const options = jsonOptions(c);
      const all = c.get('store').eventsOfCalendar(calendar.id).map(masterView);
      const page = all.slice(skip, skip + top).map((view) => eventJson(view, options));
      return c.json({
        value: page,
        ...(skip + top < all.length ? { '@odata.nextLink': nextSkipLink(c, skip + top) } : {}),
      });
    });
    app.post(path, async (c) => {
      const calendar = calendarOf(c);
      if (!calendar.canEdit)
        throw badRequest('ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      const input = parseEventBody(await jsonBody(c.req.raw));
      const { event } = createEvent(c.get('store'), c.get('mailbox'), calendar, input);
      return c.json(eventJson(masterView(event), jsonOptions(c)), 201);
    });
  }

  for (const path of mailboxPaths('/events/:eventId')) {
    app.get(path, (c) => c.json(eventJson(eventOf(c), jsonOptions(c))));
    app.patch(path, async (c) => {
      const view = eventOf(c);
      checkIfMatch(c, view);
      const input = parseEventBody(await jsonBody(c.req.raw));
      updateEvent(c.get('store'), view, input);
      const fresh = c.get('store').findInstance(c.get('mailbox').id, view.id) ?? view;
      return c.json(eventJson(fresh, jsonOptions(c)));
    });
    app.delete(path, (c) => {
      const view = eventOf(c);
      checkIfMatch(c, view);
      deleteEvent(c.get('store'), view);
      return c.body(null, 204);
    });
  }

  for (const path of mailboxPaths('/events/:eventId/instances')) {
    app.get(path, (c) => {
      const view = eventOf(c);
      const window = requiredWindow(c);
      const options = jsonOptions(c);
      const value = instancesInWindow(view.master, window, options.zone.iana).map((instance) =>
        eventJson(instance, options),
      );
      return c.json({ value });
    });
  }

  for (const action of ['accept', 'decline', 'tentativelyAccept', 'cancel'] as const) {
    for (const path of mailboxPaths(`/events/:eventId/${action}`)) {
      app.post(path, async (c) => {
        const view = eventOf(c);
        const body = parseActionBody(action, await jsonBody(c.req.raw));
        checkIfMatch(c, view);
        if (action === 'cancel') cancelEvent(c.get('store'), view);
        else
          respondToEvent(c.get('store'), c.get('mailbox'), view, action, {
            sendResponse: body.sendResponse ?? true,
            comment: body.comment,
            proposedNewTime: body.proposedNewTime,
          });
        return c.body(null, 202);
      });
    }
  }
}
