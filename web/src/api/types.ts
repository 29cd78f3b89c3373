// The API's types, generated from api/openapi.json (src/api/schema.d.ts,
// written by `npm run gen:api` before every build and test run).
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Course = Schemas['Course'];
export type CatalogEntry = Schemas['CatalogEntry'];
export type CatalogPage = Schemas['CatalogPage'];
export type CourseRun = Schemas['CourseRun'];
export type CourseRunPage = Schemas['CourseRunPage'];
export type Syllabus = Schemas['Syllabus'];
export type Enrolment = Schemas['Enrolment'];
export type Dashboard = Schemas['Dashboard'];
export type DashboardEnrolment = NonNullable<Dashboard['enrolments']>[number];
export type CatalogQuery = NonNullable<paths['/api/v1/courses']['get']['parameters']['query']>;
export type CourseForm = Course['form'];
export type CourseLanguage = Course['language'];

// The identity routes are documented as plain objects: their shapes are
// written here after src/identity/render.cpp (user_json) and routes.cpp.
export interface User {
  id: string;
  email: string;
  display_name: string;
  locale: string;
  time_zone: string;
  status: string;
  email_verified: boolean;
  platform_role: string;
  must_change_password: boolean;
  created_at: string;
}

export interface LoginResult {
  user: User;
  csrf_token: string;
  session: { id: string; expires_at: string };
}

export interface Registration {
  email: string;
  password: string;
  display_name: string;
  locale?: string;
  time_zone?: string;
}
