import * as ews from 'ews-javascript-api';
import { ProviderConflictError } from '../errors';
import { PolledCalendarProvider } from '../polled-provider';
import type {
  AttendeeResponse,
  BusyInterval,
  CalendarProvider,
  ChangesPage,
  CreateOptions,
  EventChange,
  EventWrite,
  FreeBusyResult,
  ProviderCalendar,
  ProviderCapabilities,
  ProviderEvent,
  TimeWindow,
  WriteOptions,
} from '../types';
import { EWS_CAPABILITIES } from './capabilities';
import { DEFAULT_PAGE_SIZE, type EwsConnectionConfig } from './config';
import { ewsCall } from './errors';
import { applyWrite, fullPropertySet, showAsOf, TANDEM_CREATE_KEY, toProviderEvent } from './event-mapping';
import { createExchangeService } from './service';

/**
 * CalendarProvider for Exchange Server on premises, over EWS with ews-javascript-api.
 * Incremental sync is SyncFolderItems (the SyncState is the cursor), windows are CalendarViews,
 * writes carry the ChangeKey, and Exchange itself delivers invitations and replies between its
 * mailboxes (iMIP to others). No push here: polling SyncFolderItems is the sync path.
 */
export class EwsCalendarProvider extends PolledCalendarProvider implements CalendarProvider {
  protected readonly noPushReason = 'Exchange Server calendars are polled (SyncFolderItems); no push channel';
  readonly kind = 'ews' as const;
  readonly capabilities: ProviderCapabilities = EWS_CAPABILITIES;
  private readonly service: ews.ExchangeService;
  private readonly email: string;
  private readonly pageSize: number;

  constructor(config: EwsConnectionConfig) {
    super();
    this.service = createExchangeService(config);
    this.email = (config.impersonate ?? config.email).toLowerCase();
    this.pageSize = Math.min(512, Math.max(1, config.pageSize ?? DEFAULT_PAGE_SIZE));
  }

  async listCalendars(): Promise<ProviderCalendar[]> {
    const folder = await ewsCall('GetFolder', () =>
      ews.Folder.Bind(this.service, ews.WellKnownFolderName.Calendar),
    );
    return [
      {
        externalId: folder.Id.UniqueId,
        name: folder.DisplayName || 'Calendar',
        color: null,
        timeZone: null,
        isPrimary: true,
        canWrite: true,
      },
    ];
  }

  /** Full items for appointments read as summaries, with the master id of each occurrence. */
  private async complete(appointments: ews.Appointment[]): Promise<ProviderEvent[]> {
    if (appointments.length === 0) return [];
    await ewsCall('GetItem', () => this.service.LoadPropertiesForItems(appointments, fullPropertySet()));
    const masters = new Map<string, string>();
    const events: ProviderEvent[] = [];
    for (const appointment of appointments) {
      let seriesId: string | null = null;
      const type = appointment.AppointmentType;
      if (type === ews.AppointmentType.Occurrence || type === ews.AppointmentType.Exception) {
        const uid = appointment.ICalUid;
        seriesId = masters.get(uid) ?? null;
        if (!seriesId) {
          const master = await ewsCall('GetItem (RecurringMasterItemId)', () =>
            ews.Appointment.BindToRecurringMaster(this.service, appointment.Id, ews.PropertySet.IdOnly),
          );
          seriesId = master.Id.UniqueId;
          masters.set(uid, seriesId);
        }
      }
      events.push(toProviderEvent(appointment, this.email, seriesId));
    }
    return events;
  }

  async readEvents(calendarId: string, window: TimeWindow): Promise<ProviderEvent[]> {
    const view = new ews.CalendarView(
      new ews.DateTime(window.start.getTime()),
      new ews.DateTime(window.end.getTime()),
    );
    const found = await ewsCall('FindItem (CalendarView)', () =>
      this.service.FindAppointments(new ews.FolderId(calendarId), view),
    );
    return this.complete(found.Items);
  }

  async *readChanges(
    calendarId: string,
    cursor: string | null,
    _window: TimeWindow,
  ): AsyncIterable<ChangesPage> {
    let state = cursor;
    for (;;) {
      const collection = await ewsCall('SyncFolderItems', () =>
        this.service.SyncFolderItems(
          new ews.FolderId(calendarId),
          ews.PropertySet.IdOnly,
          [],
          this.pageSize,
          ews.SyncFolderItemsScope.NormalItems,
          state ?? '',
        ),
      );
      const changes: EventChange[] = [];
      const changed: string[] = [];
      for (const change of collection.GetEnumerator()) {
        const id = change.ItemId?.UniqueId;
        if (!id) continue;
        if (change.ChangeType === ews.ChangeType.Delete) changes.push({ type: 'removed', externalId: id });
        else if (change.ChangeType === ews.ChangeType.Create || change.ChangeType === ews.ChangeType.Update)
          changed.push(id);
      }
      for (const event of await this.itemsWithExceptions(changed)) changes.push({ type: 'upsert', event });
      state = collection.SyncState;
      const more = collection.MoreChangesAvailable;
      yield { changes, nextCursor: more ? null : state };
      if (!more) return;
    }
  }

  /** Items by id; a recurring master brings its exceptions (EWS syncs only the master). */
  private async itemsWithExceptions(ids: string[]): Promise<ProviderEvent[]> {
    if (ids.length === 0) return [];
    const items = await ewsCall('GetItem', () =>
      this.service.BindToItems(
        ids.map((id) => new ews.ItemId(id)),
        fullPropertySet(),
      ),
    );
    const events: ProviderEvent[] = [];
    for (const response of items.GetEnumerator()) {
      const appointment = response.Item as ews.Appointment | null;
      // An item deleted between the sync and the read: its Delete comes with the next sync.
      if (!appointment || response.Result !== ews.ServiceResult.Success) continue;
      const event = toProviderEvent(appointment, this.email, null);
      events.push(event);
      if (appointment.AppointmentType !== ews.AppointmentType.RecurringMaster) continue;
      const modified = appointment.ModifiedOccurrences?.GetEnumerator() ?? [];
      for (const occurrence of modified) {
        const exception = await ewsCall('GetItem (exception)', () =>
          ews.Appointment.Bind(this.service, occurrence.ItemId, fullPropertySet()),
        );
        events.push(toProviderEvent(exception, this.email, event.externalId));
      }
    }
    return events;
  }

  private async bind(externalId: string): Promise<ews.Appointment> {
    return ewsCall('GetItem', () =>
      ews.Appointment.Bind(this.service, new ews.ItemId(externalId), fullPropertySet()),
    );
  }

  async getEvent(_calendarId: string, externalId: string): Promise<ProviderEvent> {
    const [event] = await this.complete([await this.bind(externalId)]);
    return event!;
  }

  private async findByCreateKey(calendarId: string, key: string): Promise<string | null> {
    const found = await ewsCall('FindItem (create key)', () =>
      this.service.FindItems(
        new ews.FolderId(calendarId),
        new ews.SearchFilter.IsEqualTo(TANDEM_CREATE_KEY, key),
        new ews.ItemView(1),
      ),
    );
    return found.Items[0]?.Id.UniqueId ?? null;
  }

  async createEvent(
    calendarId: string,
    event: EventWrite,
    options: CreateOptions = {},
  ): Promise<ProviderEvent> {
    // EWS has no idempotent create: a replay finds the first item by our create key instead.
    if (options.idempotencyKey) {
      const existing = await this.findByCreateKey(calendarId, options.idempotencyKey);
      if (existing) return this.getEvent(calendarId, existing);
    }
    const appointment = new ews.Appointment(this.service);
    applyWrite(appointment, event, { occurrence: false, create: true });
    if (event.iCalUid) appointment.ICalUid = event.iCalUid;
    if (options.idempotencyKey) appointment.SetExtendedProperty(TANDEM_CREATE_KEY, options.idempotencyKey);
    const mode =
      event.notifyAttendees && event.attendees.length > 0
        ? ews.SendInvitationsMode.SendToAllAndSaveCopy
        : ews.SendInvitationsMode.SendToNone;
    await ewsCall('CreateItem', () => appointment.Save(new ews.FolderId(calendarId), mode));
    return this.getEvent(calendarId, appointment.Id.UniqueId);
  }

  async updateEvent(
    calendarId: string,
    externalId: string,
    event: EventWrite,
    options: WriteOptions = {},
  ): Promise<ProviderEvent> {
    const appointment = await this.bind(externalId);
    const type = appointment.AppointmentType;
    const occurrence = type === ews.AppointmentType.Occurrence || type === ews.AppointmentType.Exception;
    applyWrite(appointment, event, { occurrence, create: false });
    // The ChangeKey we last saw goes with the update: Exchange refuses it if the item changed since.
    if (options.etag) appointment.Id.ChangeKey = options.etag;
    await ewsCall('UpdateItem', () =>
      appointment.Update(
        options.etag ? ews.ConflictResolutionMode.NeverOverwrite : ews.ConflictResolutionMode.AlwaysOverwrite,
        event.notifyAttendees
          ? ews.SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy
          : ews.SendInvitationsOrCancellationsMode.SendToNone,
      ),
    );
    return this.getEvent(calendarId, appointment.Id.UniqueId);
  }

  async cancelEvent(
    _calendarId: string,
    externalId: string,
    options: WriteOptions & { comment?: string } = {},
  ): Promise<void> {
    const appointment = await this.bind(externalId);
    // DeleteItem takes no ChangeKey precondition, so a stale etag is refused here, before deleting.
    if (options.etag && appointment.Id.ChangeKey !== options.etag)
      throw new ProviderConflictError('DeleteItem: the item changed since it was read (ChangeKey)', 412);
    const organiser = appointment.MyResponseType === ews.MeetingResponseType.Organizer;
    await ewsCall('DeleteItem', () =>
      appointment.Delete(
        ews.DeleteMode.MoveToDeletedItems,
        organiser ? ews.SendCancellationsMode.SendToAllAndSaveCopy : ews.SendCancellationsMode.SendToNone,
      ),
    );
  }

  async respondToEvent(
    _calendarId: string,
    externalId: string,
    response: Exclude<AttendeeResponse, 'needs_action'>,
    options: { comment?: string } = {},
  ): Promise<void> {
    const appointment = await this.bind(externalId);
    const message =
      response === 'declined'
        ? appointment.CreateDeclineMessage()
        : appointment.CreateAcceptMessage(response === 'tentative');
    if (options.comment) message.Body = new ews.MessageBody(ews.BodyType.Text, options.comment);
    await ewsCall(`CreateItem (${response})`, () => message.SendAndSaveCopy());
  }

  async freeBusy(accounts: string[], window: TimeWindow): Promise<Map<string, FreeBusyResult>> {
    const result = new Map<string, FreeBusyResult>();
    if (accounts.length === 0) return result;
    const options = new ews.AvailabilityOptions();
    options.RequestedFreeBusyView = ews.FreeBusyViewType.Detailed;
    const answer = await ewsCall('GetUserAvailability', () =>
      this.service.GetUserAvailability(
        accounts.map((email) => new ews.AttendeeInfo(email)),
        new ews.TimeWindow(utcDateTime(window.start), utcDateTime(window.end)),
        ews.AvailabilityData.FreeBusy,
        options,
      ),
    );
    answer.AttendeesAvailability.GetEnumerator().forEach((availability, index) => {
      const email = accounts[index]!;
      if (availability.Result !== ews.ServiceResult.Success) {
        result.set(email, { ok: false, reason: 'not_found' });
        return;
      }
      const busy: BusyInterval[] = availability.CalendarEvents.map((event) => ({
        start: wallClockUtc(event.StartTime),
        end: wallClockUtc(event.EndTime),
        showAs: showAsOf(event.FreeBusyStatus),
      })).filter((interval) => interval.showAs !== 'free');
      result.set(email, { ok: true, busy });
    });
    return result;
  }
}

/** A UTC instant as the library's DateTime, marked UTC so it is not read in the process zone. */
function utcDateTime(date: Date): ews.DateTime {
  return new ews.DateTime(date.getTime(), ews.DateTimeKind.Utc);
}

/**
 * GetUserAvailability answers wall-clock times in the request's zone (the service's: UTC) with
 * no offset; the library parses them in the process zone, so read the parts, not the instant.
 */
function wallClockUtc(value: ews.DateTime): Date {
  return new Date(Date.UTC(value.Year, value.Month - 1, value.Day, value.Hour, value.Minute, value.Second));
}

export function createEwsProvider(config: EwsConnectionConfig): EwsCalendarProvider {
  return new EwsCalendarProvider(config);
}
