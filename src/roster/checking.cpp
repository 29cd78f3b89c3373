// Checking a roster file line by line, before anything is applied.
#include <algorithm>
#include <cctype>
#include <set>

#include "roster/internal.h"

namespace trivium::roster::detail {

namespace {

std::string lower_trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Header names people write, mapped to a column.
int* column_for(Columns& c, const std::string& name) {
  if (name == "email" || name == "e-mail" || name == "mail") return &c.email;
  if (name == "name" || name == "display_name" || name == "full name" || name == "nom") return &c.name;
  if (name == "department" || name == "departement" || name == "team") return &c.department;
  if (name == "run" || name == "run_id" || name == "session") return &c.run;
  if (name == "role") return &c.role;
  if (name == "cohort" || name == "group" || name == "groupe") return &c.cohort;
  return nullptr;
}

std::string field_at(const csv::Record& r, int col) {
  if (col < 0 || static_cast<size_t>(col) >= r.fields.size()) return {};
  return trimmed(r.fields[col]);
}

void add(std::vector<LineProblem>& problems, int line, std::string field, std::string code, std::string message) {
  problems.push_back({line, std::move(field), std::move(code), std::move(message)});
}

}  // namespace

Result<Columns> read_header(const csv::Record& header) {
  Columns cols;
  std::vector<FieldError> errors;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string name = lower_trimmed(header.fields[i]);
    if (name.empty() && i + 1 == header.fields.size()) break;  // a trailing delimiter
    int* slot = column_for(cols, name);
    if (!slot) {
      errors.push_back(
          {"header", "unknown_column",
           "Unknown column \"" + header.fields[i] + "\"; the columns are email, name, department, run, role, cohort."});
    } else if (*slot >= 0) {
      errors.push_back({"header", "repeated_column", "The column \"" + name + "\" appears twice."});
    } else {
      *slot = static_cast<int>(i);
    }
  }
  if (cols.email < 0) errors.push_back({"header", "missing_column", "The column \"email\" is required."});
  if (cols.name < 0) errors.push_back({"header", "missing_column", "The column \"name\" is required."});
  if (!errors.empty()) {
    Error e{ErrorKind::Invalid, "The first line must name the columns.", std::move(errors), 0};
    return fail(std::move(e));
  }
  return cols;
}

namespace {

// Checks the parts of a line that need to know the organisation.
void check_links(const csv::Record& rec, const Columns& cols, Context& ctx, RosterRow& row,
                 std::vector<LineProblem>& problems, bool& ok_line) {
  std::string department = field_at(rec, cols.department);
  if (!department.empty()) {
    auto it = ctx.departments.find(lower_trimmed(department));
    if (it == ctx.departments.end()) {
      add(problems, rec.line, "department", "unknown_department", "No department \"" + department + "\" here.");
      ok_line = false;
    } else {
      row.department_id = it->second;
    }
  }
  std::string run = field_at(rec, cols.run);
  if (!run.empty()) {
    auto known = ctx.runs.find(run);
    if (known == ctx.runs.end()) {
      auto org = ctx.ports->run_organisation(run);
      bool mine = org && *org == ctx.org_id;
      known = ctx.runs.emplace(run, mine).first;
    }
    if (!known->second) {
      add(problems, rec.line, "run", "unknown_run", "No run \"" + run + "\" in this organisation.");
      ok_line = false;
    } else {
      row.run_id = run;
    }
  }
}

}  // namespace

Result<std::vector<RosterRow>> check_rows(const std::vector<csv::Record>& records, const Columns& cols, Context& ctx,
                                          std::vector<LineProblem>& problems) {
  if (ctx.departments.empty()) {
    TRV_ASSIGN(auto deps, ctx.ports->departments(ctx.org_id));
    for (auto& [name, id] : deps) ctx.departments.emplace(lower_trimmed(name), id);
  }
  std::vector<RosterRow> rows;
  std::map<std::pair<std::string, std::string>, int> seen;  // (e-mail, run) -> first line
  for (size_t i = 1; i < records.size(); ++i) {
    const csv::Record& rec = records[i];
    RosterRow row;
    row.line = rec.line;
    row.email = field_at(rec, cols.email);
    row.name = field_at(rec, cols.name);
    bool ok_line = true;
    if (auto person = ctx.ports->check_person(row.email, row.name); !person) {
      for (const FieldError& f : person.error().fields) add(problems, rec.line, f.field, f.code, f.message);
      if (person.error().fields.empty()) add(problems, rec.line, "", "invalid", person.error().detail);
      ok_line = false;
    }
    check_links(rec, cols, ctx, row, problems, ok_line);
    std::string role = lower_trimmed(field_at(rec, cols.role));
    if (!role.empty()) {
      if (std::find(kRunRoles.begin(), kRunRoles.end(), role) == kRunRoles.end()) {
        add(problems, rec.line, "role", "unknown_role", "The role must be learner, trainer or observer.");
        ok_line = false;
      } else if (field_at(rec, cols.run).empty()) {
        add(problems, rec.line, "role", "needs_run", "A role needs a run.");
        ok_line = false;
      }
      row.role = role;
    }
    std::string cohort = field_at(rec, cols.cohort);
    if (!cohort.empty()) {
      if (cohort.size() > 100 || field_at(rec, cols.run).empty() || row.role != "learner") {
        add(problems, rec.line, "cohort", "bad_cohort",
            "A cohort needs a run and a learner, and at most 100 characters.");
        ok_line = false;
      }
      row.cohort = cohort;
    }
    if (!ok_line) continue;
    auto key = std::make_pair(lower_trimmed(row.email), row.run_id.value_or(""));
    auto [it, fresh] = seen.emplace(key, rec.line);
    if (!fresh) {
      add(problems, rec.line, "email", "duplicate",
          "The same person and run already appear on line " + std::to_string(it->second) + ".");
      continue;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace trivium::roster::detail
