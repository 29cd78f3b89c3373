// The text of the demo courses (`trivium demo`): titles, descriptions and
// the outlines of modules, units and text blocks. Data only; demo.cpp loads it.
#pragma once

#include <string>
#include <vector>

namespace trivium::app::demo {

struct TextBlock {
  std::string title;
  std::string markdown;
};

struct UnitSpec {
  std::string title;
  std::vector<TextBlock> blocks;
};

struct ModuleSpec {
  std::string title;
  std::vector<UnitSpec> units;
};

struct CourseSpec {
  std::string slug;
  std::string title;
  std::string summary;
  std::string description_md;
  std::vector<std::string> skills;
  double effort_hours = 0;
  std::vector<std::string> authors;
  std::vector<ModuleSpec> modules;
};

// The platform's public MOOC (scheduled weekly, one module a week).
inline CourseSpec data_literacy() {
  CourseSpec c;
  c.slug = "data-literacy-for-everyone";
  c.title = "Data Literacy for Everyone";
  c.summary = "Read charts, question numbers and make better decisions with data. Five weeks, no maths degree needed.";
  c.description_md = R"(Numbers are everywhere: in the news, in meetings, on the dashboards we are asked to act on.
This course teaches you to **read them critically** and to **use them to decide**, one week at a time.

## What you will learn
- where data comes from, and which questions it can and cannot answer;
- how to read a chart and spot the ones designed to mislead;
- averages, spread and outliers, and why one number is rarely enough;
- the difference between a correlation and a cause;
- how to turn a question into an answer you can explain to others.

## Who it is for
Anyone who works with numbers without being a specialist: team leads, project managers, journalists,
public servants, students. You need a browser and about three hours a week.

*This is demo content shipped with Trivium.*)";
  c.skills = {"data literacy", "statistics", "data visualisation", "critical thinking"};
  c.effort_hours = 15;
  c.authors = {"Samuel Kim", "Trivium Course Team"};
  c.modules = {
      {"Week 1: Why data matters",
       {{"Data all around us",
         {{"Welcome",
           R"(Welcome to **Data Literacy for Everyone**! Each week opens on Monday morning (Paris time) with
a new module. Work through the units at your own pace during the week; nothing is timed.

Before you start, think of one decision you made recently at work or at home that was based on a
number. Keep it in mind: we will come back to it in the last week.)"},
          {"Where data comes from",
           R"(Every dataset was collected by someone, for some purpose, at some cost. A sales table comes from a
till, a survey from people who agreed to answer, a sensor reading from a device that can fail.

Three questions to ask about any dataset:

1. **Who collected it, and why?**
2. **What is missing?** Who did not answer, which days were not recorded?
3. **What was measured exactly?** "Customers" may mean accounts, households or people.)"}}},
        {"Asking good questions",
         {{"From curiosity to a question data can answer",
           R"("Are our customers happy?" is a good concern but a poor question: nobody can measure "happy".
"What share of customers who called support last month gave a rating of 4 or 5?" can be answered.

A good data question names **a population**, **a measure** and **a period**. Rewrite your question
from the welcome unit until it has all three.)"}}}}},
      {"Week 2: Reading charts without being fooled",
       {{"Bar, line and pie: choosing the right chart",
         {{"Match the chart to the message",
           R"(- **Bars** compare quantities between categories (sales per region).
- **Lines** show change over time (monthly visitors).
- **Pies** show parts of one whole, and only work with a few slices.
- **Scatter plots** show how two measures move together.

When a chart is hard to read, the chart type is usually wrong, not the reader.)"}}},
        {"Axes, scales and other tricks",
         {{"Check the axis first",
           R"(A bar chart whose vertical axis starts at 95 instead of 0 can make a 2% difference look like a
doubling. Before reading the bars, read the axis: where does it start, is it linear, are the
intervals even?

Also watch for **cherry-picked periods** (a trend that disappears when you look at five years instead
of five months) and for **two vertical axes** on one chart, which can make any two lines look related.)"}}},
        {"Practice: critique a chart",
         {{"Your turn",
           R"(Find a chart in this week's news. Write down, in three sentences: what it wants you to conclude,
whether the chart type fits that message, and one thing about its axes or period that a careful reader
should check. Share it with your cohort in the discussion if your course has one.)"}}}}},
      {"Week 3: Averages, spread and outliers",
       {{"Mean, median and mode",
         {{"Three kinds of average",
           R"(The **mean** adds everything up and divides by the count. The **median** is the middle value once
sorted. The **mode** is the most frequent value.

Incomes are the classic example: a few very high salaries pull the mean up, while the median stays
where most people are. When a distribution is skewed, report the median.)"}}},
        {"Measuring spread",
         {{"Two teams with the same average",
           R"(Team A closes tickets in 2, 3, 3, 4 and 3 days; team B in 1, 1, 8, 1 and 4 days. Both average 3 days.
Customers of team B, however, sometimes wait more than a week.

The **range**, the **interquartile range** and the **standard deviation** describe that spread. An
average without a measure of spread tells half the story.)"},
          {"Rule of thumb", R"(Whenever someone gives you an average, ask: *"And how much does it vary?"*)"}}},
        {"When one number lies",
         {{"Outliers",
           R"(An outlier may be a data-entry error (a customer aged 430), a rare but real event (a storm that
tripled call volumes) or the most interesting point in the dataset. Never delete one before you know
which it is, and say so when you leave one out.)"}}}}},
      {"Week 4: Correlation is not causation",
       {{"Spotting a relationship",
         {{"Reading a scatter plot",
           R"(Plot one measure against another and look at the cloud of points. Rising from left to right: a
positive correlation. Falling: a negative one. A shapeless cloud: no linear relationship.

The correlation coefficient *r* sums this up between -1 and 1, but always look at the plot: very
different clouds can share the same *r*.)"}}},
        {"Confounders and coincidences",
         {{"Ice cream and sunburn",
           R"(Ice cream sales and sunburn cases rise together, yet ice cream does not burn anyone: sunny weather
drives both. A **confounder** is a third factor behind two correlated measures.

With enough variables, some will correlate by pure chance. Before claiming a cause, ask what else
could explain the pattern, and whether an experiment could test it.)"}}}}},
      {"Week 5: Making decisions with data",
       {{"From question to answer: a worked example",
         {{"Should we extend the opening hours?",
           R"(A library wants to know whether to open until 8 pm. The question: *"How many visits would the
extra two hours bring per week?"* The data: door counts per hour for the last year, and a two-month
trial with late opening in one branch.

The trial branch gained about 120 visits a week, mostly students during exam periods. The decision is
not only in the number: it also weighs staff costs, and who the extra visitors are.)"}}},
        {"Communicating what you found",
         {{"One message, one chart",
           R"(Lead with the answer, then the evidence, then the caveats. Use one chart per message, label it with
the conclusion ("Late opening brings students in exam weeks") rather than the variables, and say how
sure you are.)"}}},
        {"Where to go next",
         {{"Keep practising",
           R"(Return to the decision you noted in week 1. Which number was it based on? Who collected it? How
much did it vary? Would a chart have told a different story?

Congratulations on finishing the course!)"}}}}},
  };
  return c;
}

// Northwind Energy's internal COOC, for its field teams.
inline CourseSpec safe_work() {
  CourseSpec c;
  c.slug = "safe-work-live-networks";
  c.title = "Working Safely on Live Distribution Networks";
  c.summary = "Northwind's safety essentials for field crews: daily risk assessment, isolation and emergencies.";
  c.description_md = R"(Mandatory for every member of **Field Operations** before their first job on the
distribution network, and every year after that.

The course follows a working day: preparing at the depot, working on site, and what to do when
something goes wrong. It complements, and never replaces, the hands-on training given by your team lead.

*Internal course of Northwind Energy (demo content).*)";
  c.skills = {"health and safety", "electrical safety", "risk assessment"};
  c.effort_hours = 4;
  c.authors = {"Tomás Ibarra", "Northwind Safety Team"};
  c.modules = {
      {"Before you leave the depot",
       {{"Your daily risk assessment",
         {{"Five minutes that matter",
           R"(Before each job, the crew lead runs the **point-of-work risk assessment** with the whole crew:
the task, the hazards on this site today (weather, traffic, public access) and the controls for each.
If a hazard cannot be controlled, the job does not start. Stopping is always allowed.)"}}},
        {"Personal protective equipment check",
         {{"Check, then wear",
           R"(Arc-rated clothing, insulating gloves (inflate and inspect them), face shield, safety boots and
high-visibility wear. Gloves past their test date go back to stores, not into the van.)"}}}}},
      {"On site",
       {{"Isolation and proving dead",
         {{"Test before you touch",
           R"(Isolate, lock off, tag, then **prove dead** with an approved voltage indicator that you have proved
working on a known live source before *and* after the test. Treat every conductor as live until you
have done this yourself.)"}}},
        {"Working near overhead lines",
         {{"Safe distances",
           R"(Keep the minimum approach distances in the Northwind Safety Rules for the line voltage, for
yourself, your tools and your vehicle. Plan where ladders, booms and tipping lorries will be *before*
they move.)"}}}}},
      {"When things go wrong",
       {{"Reporting a near miss",
         {{"Every near miss is a free lesson",
           R"(Report it in the field app the same day: what happened, what could have happened and what would
prevent it. Reports are used to fix causes, not to blame people.)"}}},
        {"Emergency procedures",
         {{"Electric shock and arc flash",
           R"(Do not touch the casualty until the supply is isolated. Call 112, then Network Control. Start
first aid only when it is safe. Every crew vehicle carries an AED: know where it is.)"}}}}},
  };
  return c;
}

// Northwind Energy's external COOC, for installers working for its customers.
inline CourseSpec smart_meters() {
  CourseSpec c;
  c.slug = "smart-meter-essentials";
  c.title = "Smart Meter Essentials for Installers";
  c.summary =
      "For partner installers: how the Northwind smart meter works, how to fit it, and how to explain it to "
      "customers.";
  c.description_md = R"(Northwind Energy opens this course to the installers and facility managers of its
customers. Places are confirmed by the Northwind team: request yours and we will get back to you.

You will learn how the meter and its communications hub work, how to survey a site and commission a
meter, and how to answer the questions customers ask most.

*External course of Northwind Energy (demo content).*)";
  c.skills = {"smart meters", "installation", "customer service"};
  c.effort_hours = 6;
  c.authors = {"Tomás Ibarra", "Northwind Customer Success"};
  c.modules = {
      {"Meet the Northwind smart meter",
       {{"What the meter measures",
         {{"More than a total",
           R"(The meter records consumption every 30 minutes, the supply voltage and any interruption. Readings
are sent daily, so estimated bills become a thing of the past.)"}}},
        {"Communications hub and in-home display",
         {{"How the parts talk",
           R"(The **communications hub** sits on top of the meter and sends readings over the mobile network.
The **in-home display** pairs with the hub over a local radio link and shows live usage in kWh and
in currency.)"}}}}},
      {"Installation step by step",
       {{"Site survey",
         {{"Before the visit",
           R"(Confirm access to the meter cupboard, check mobile signal strength at the meter position and note
any asbestos labels. A poor signal needs an external antenna: order it before the visit.)"}}},
        {"Fitting and commissioning",
         {{"Commissioning checklist",
           R"(1. Isolate the supply and prove dead.
2. Fit the meter and hub; torque the terminals to the specified values.
3. Restore the supply and check the meter display.
4. Commission the hub in the installer app and wait for the first reading.
5. Pair the in-home display and show the customer how it works.)"}}}}},
      {"Helping the customer",
       {{"Explaining the display",
         {{"Three things to show",
           R"(Today's use so far, the colour code for current demand, and how to set a daily budget. Leave the
quick-start card on the fridge, not in the meter cupboard.)"}}},
        {"Common questions",
         {{"Frequently asked",
           R"(*Does it use my Wi-Fi?* No, the hub has its own connection. *Can Northwind switch off my power
remotely?* Not without the process set out in the customer's contract. *What if I move?* The meter
stays; the new occupant opens their own account.)"}}}}},
  };
  return c;
}

}  // namespace trivium::app::demo
