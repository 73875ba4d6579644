package io.kubetask.workflows.crontask;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.field.CronFieldName;
import com.cronutils.model.field.expression.Always;
import com.cronutils.model.field.expression.And;
import com.cronutils.model.field.expression.Between;
import com.cronutils.model.field.expression.Every;
import com.cronutils.model.field.expression.FieldExpression;
import com.cronutils.model.field.expression.On;
import com.cronutils.model.field.expression.QuestionMark;
import com.cronutils.model.field.value.FieldValue;
import com.cronutils.parser.CronParser;
import io.temporal.client.schedules.ScheduleCalendarSpec;
import io.temporal.client.schedules.ScheduleRange;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a CronTask schedule (5-field Vixie cron or a macro, as Kubernetes CronJobs take it) into
 * Temporal calendar specs, and compares calendar specs by the times they match.
 *
 * <p>KubeTask sends calendars rather than cron strings so that what Temporal runs is exactly what
 * was validated here: Temporal's own cron parser rejects {@code ?}, and it ANDs a restricted
 * day-of-month with a restricted day-of-week, where cron (and CronJob) ORs them. Such a schedule
 * becomes two calendars, one per day field.
 */
public final class CronCalendars {
  public static final Map<String, String> MACROS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");

  private static final String[] MONTHS = {
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
  };
  private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  /** A calendar field: its range, and whether Temporal matches all of it (or only 0) when unset. */
  enum Field {
    SECOND(0, 59, false),
    MINUTE(0, 59, false),
    HOUR(0, 23, false),
    DAY_OF_MONTH(1, 31, true),
    MONTH(1, 12, true),
    DAY_OF_WEEK(0, 6, true);

    final int min;
    final int max;
    final boolean unsetMatchesAll;

    Field(int min, int max, boolean unsetMatchesAll) {
      this.min = min;
      this.max = max;
      this.unsetMatchesAll = unsetMatchesAll;
    }
  }

  private CronCalendars() {}

  /**
   * The 5 fields of a schedule: macros expanded, month and day names as numbers, {@code ?} as
   * {@code *}.
   *
   * @throws IllegalArgumentException with a message for the CronTask's status
   */
  public static String[] fields(String schedule) {
    String trimmed = schedule == null ? "" : schedule.trim();
    if (trimmed.startsWith("TZ=") || trimmed.startsWith("CRON_TZ=")) {
      throw new IllegalArgumentException(
          "a TZ= or CRON_TZ= prefix is not supported: set spec.timeZone instead");
    }
    if (trimmed.startsWith("@")) {
      String expanded = MACROS.get(trimmed.toLowerCase(Locale.ROOT));
      if (expanded == null) {
        throw new IllegalArgumentException(
            "unknown macro "
                + trimmed
                + "; use @yearly, @annually, @monthly, @weekly, @daily,"
                + " @midnight or @hourly");
      }
      trimmed = expanded;
    }
    String[] fields = WHITESPACE.split(trimmed.toUpperCase(Locale.ROOT));
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "expected 5 fields (minute hour day-of-month month day-of-week), found " + fields.length);
    }
    for (int i = 0; i < fields.length; i++) {
      fields[i] = fields[i].replace('?', '*');
    }
    fields[3] = names(fields[3], MONTHS, 1);
    fields[4] = names(fields[4], DAYS, 0);
    return fields;
  }

  /**
   * The Temporal calendars of a schedule.
   *
   * @throws IllegalArgumentException with the parser's message when the schedule is invalid
   */
  public static List<ScheduleCalendarSpec> calendars(String schedule) {
    String[] fields = fields(schedule);
    Cron cron;
    try {
      cron = PARSER.parse(String.join(" ", fields));
      cron.validate();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    BitSet minutes = values(cron, CronFieldName.MINUTE, Field.MINUTE);
    BitSet hours = values(cron, CronFieldName.HOUR, Field.HOUR);
    BitSet daysOfMonth = values(cron, CronFieldName.DAY_OF_MONTH, Field.DAY_OF_MONTH);
    BitSet months = values(cron, CronFieldName.MONTH, Field.MONTH);
    BitSet daysOfWeek = values(cron, CronFieldName.DAY_OF_WEEK, Field.DAY_OF_WEEK);
    String comment = schedule.trim();
    // Vixie cron: when both day fields are restricted (neither starts with *), either may match.
    if (!fields[2].startsWith("*") && !fields[4].startsWith("*")) {
      return List.of(
          calendar(minutes, hours, daysOfMonth, months, all(Field.DAY_OF_WEEK), comment),
          calendar(minutes, hours, all(Field.DAY_OF_MONTH), months, daysOfWeek, comment));
    }
    return List.of(calendar(minutes, hours, daysOfMonth, months, daysOfWeek, comment));
  }

  /**
   * What a list of calendars matches, independent of how its ranges are written: one key per
   * calendar. Temporal returns calendars normalised (and cron strings converted), so comparing keys
   * is how a described Schedule is compared with the desired one.
   */
  public static Set<String> matches(List<ScheduleCalendarSpec> calendars) {
    Set<String> keys = new HashSet<>();
    for (ScheduleCalendarSpec c : calendars) {
      keys.add(
          String.join(
              " ",
              key(c.getSeconds(), Field.SECOND),
              key(c.getMinutes(), Field.MINUTE),
              key(c.getHour(), Field.HOUR),
              key(c.getDayOfMonth(), Field.DAY_OF_MONTH),
              key(c.getMonth(), Field.MONTH),
              key(c.getDayOfWeek(), Field.DAY_OF_WEEK),
              years(c.getYear())));
    }
    return keys;
  }

  /**
   * Whether any of the calendars matches this local time, to the second: the test a fire's
   * scheduled time passes when the schedule it was made for is still the CronTask's.
   */
  public static boolean fires(List<ScheduleCalendarSpec> calendars, LocalDateTime time) {
    return calendars.stream()
        .anyMatch(
            c ->
                in(c.getSeconds(), Field.SECOND, time.getSecond())
                    && in(c.getMinutes(), Field.MINUTE, time.getMinute())
                    && in(c.getHour(), Field.HOUR, time.getHour())
                    && in(c.getDayOfMonth(), Field.DAY_OF_MONTH, time.getDayOfMonth())
                    && in(c.getMonth(), Field.MONTH, time.getMonthValue())
                    && in(c.getDayOfWeek(), Field.DAY_OF_WEEK, time.getDayOfWeek().getValue() % 7)
                    && (c.getYear().isEmpty() || in(c.getYear(), null, time.getYear())));
  }

  /** How far back {@link #latestFire} looks: a month of minutes. */
  static final Duration LOOK_BACK = Duration.ofDays(31);

  /**
   * The newest whole minute in {@code (after, notAfter]} (at most {@link #LOOK_BACK} before
   * notAfter) at which the calendars fire in the zone, if any: when the newest fire the Schedule
   * missed was due.
   */
  public static Optional<Instant> latestFire(
      List<ScheduleCalendarSpec> calendars, ZoneId zone, Instant notAfter, Instant after) {
    Instant floor = notAfter.minus(LOOK_BACK);
    if (after != null && after.isAfter(floor)) {
      floor = after;
    }
    for (Instant t = notAfter.truncatedTo(ChronoUnit.MINUTES);
        t.isAfter(floor);
        t = t.minus(1, ChronoUnit.MINUTES)) {
      if (fires(calendars, LocalDateTime.ofInstant(t, zone))) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Whether a value lies in the ranges; unset ranges match as Temporal matches them. */
  private static boolean in(List<ScheduleRange> ranges, Field field, int value) {
    if (ranges.isEmpty()) {
      return field == null || field.unsetMatchesAll || value == 0;
    }
    return ranges.stream()
        .anyMatch(
            r ->
                value >= r.getStart()
                    && value <= Math.max(r.getStart(), r.getEnd())
                    && (value - r.getStart()) % Math.max(1, r.getStep()) == 0);
  }

  private static ScheduleCalendarSpec calendar(
      BitSet minutes,
      BitSet hours,
      BitSet daysOfMonth,
      BitSet months,
      BitSet daysOfWeek,
      String comment) {
    return ScheduleCalendarSpec.newBuilder()
        .setSeconds(List.of(new ScheduleRange(0, 0, 1)))
        .setMinutes(ranges(minutes, Field.MINUTE))
        .setHour(ranges(hours, Field.HOUR))
        .setDayOfMonth(ranges(daysOfMonth, Field.DAY_OF_MONTH))
        .setMonth(ranges(months, Field.MONTH))
        .setDayOfWeek(ranges(daysOfWeek, Field.DAY_OF_WEEK))
        .setComment(comment)
        .build();
  }

  /** The values a cron field matches (day of week 7 is Sunday, 0). */
  private static BitSet values(Cron cron, CronFieldName name, Field field) {
    BitSet set = new BitSet();
    add(set, cron.retrieve(name).getExpression(), field);
    if (field == Field.DAY_OF_WEEK && set.get(7)) {
      set.clear(7);
      set.set(0);
    }
    return set;
  }

  private static void add(BitSet set, FieldExpression e, Field field) {
    if (e instanceof Always || e instanceof QuestionMark) {
      set.set(field.min, field.max + 1);
    } else if (e instanceof On on) {
      set.set(number(on.getTime()));
    } else if (e instanceof Between between) {
      set.set(number(between.getFrom()), number(between.getTo()) + 1);
    } else if (e instanceof Every every) {
      int step = every.getPeriod().getValue();
      FieldExpression base = every.getExpression();
      int from = field.min;
      int to = field.max;
      if (base instanceof On on) {
        from = number(on.getTime());
      } else if (base instanceof Between between) {
        from = number(between.getFrom());
        to = number(between.getTo());
      } else if (!(base instanceof Always || base instanceof QuestionMark)) {
        throw new IllegalArgumentException("unsupported step expression " + e.asString());
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    } else if (e instanceof And and) {
      for (FieldExpression part : and.getExpressions()) {
        add(set, part, field);
      }
    } else {
      throw new IllegalArgumentException("unsupported expression " + e.asString());
    }
  }

  private static int number(FieldValue<?> value) {
    if (value.getValue() instanceof Integer i) {
      return i;
    }
    throw new IllegalArgumentException("unsupported value " + value.getValue());
  }

  private static BitSet all(Field field) {
    BitSet set = new BitSet();
    set.set(field.min, field.max + 1);
    return set;
  }

  /** Few, readable ranges for a set: the whole field, one stepped range, or runs of values. */
  static List<ScheduleRange> ranges(BitSet set, Field field) {
    if (set.equals(all(field))) {
      return List.of(new ScheduleRange(field.min, field.max, 1));
    }
    int first = set.nextSetBit(0);
    int second = set.nextSetBit(first + 1);
    if (set.cardinality() >= 3) {
      int step = second - first;
      boolean progression = step > 1;
      int last = first;
      for (int v = second; v >= 0 && progression; v = set.nextSetBit(v + 1)) {
        progression = v - last == step;
        last = v;
      }
      if (progression) {
        return List.of(new ScheduleRange(first, last, step));
      }
    }
    List<ScheduleRange> ranges = new ArrayList<>();
    for (int start = first; start >= 0; ) {
      int end = set.nextClearBit(start) - 1;
      ranges.add(new ScheduleRange(start, end, 1));
      start = set.nextSetBit(end + 1);
    }
    return ranges;
  }

  private static String key(List<ScheduleRange> ranges, Field field) {
    BitSet set = new BitSet();
    if (ranges == null || ranges.isEmpty()) {
      if (field.unsetMatchesAll) {
        set.set(field.min, field.max + 1);
      } else {
        set.set(0);
      }
      return set.toString();
    }
    for (ScheduleRange r : ranges) {
      int end = Math.max(r.getStart(), r.getEnd());
      int step = Math.max(1, r.getStep());
      for (int v = r.getStart(); v <= end; v += step) {
        set.set(field == Field.DAY_OF_WEEK && v == 7 ? 0 : v);
      }
    }
    return set.toString();
  }

  private static String years(List<ScheduleRange> ranges) {
    if (ranges == null || ranges.isEmpty()) {
      return "*";
    }
    Set<Integer> years = new TreeSet<>();
    for (ScheduleRange r : ranges) {
      int end = Math.max(r.getStart(), r.getEnd());
      int step = Math.max(1, r.getStep());
      for (int v = r.getStart(); v <= end; v += step) {
        years.add(v);
      }
    }
    return years.toString();
  }

  private static String names(String field, String[] names, int first) {
    String result = field;
    for (int i = 0; i < names.length; i++) {
      result = result.replaceAll("\\b" + names[i] + "\\b", Integer.toString(first + i));
    }
    return result;
  }
}
