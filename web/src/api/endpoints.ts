// The calls the app makes, typed with the API's generated types.
import { call } from './client';
import type {
  CatalogPage,
  CatalogQuery,
  Course,
  CourseRunPage,
  Dashboard,
  Enrolment,
  LoginResult,
  Registration,
  Syllabus,
  User,
} from './types';

const id = encodeURIComponent;

export const api = {
  catalog: (query: CatalogQuery, signal?: AbortSignal) =>
    call<CatalogPage>('GET', '/courses', { query: { ...query }, signal }),
  course: (courseId: string, signal?: AbortSignal) => call<Course>('GET', `/courses/${id(courseId)}`, { signal }),
  syllabus: (courseId: string, signal?: AbortSignal) =>
    call<Syllabus>('GET', `/courses/${id(courseId)}/syllabus`, { signal }),
  runs: (courseId: string, signal?: AbortSignal) =>
    call<CourseRunPage>('GET', `/courses/${id(courseId)}/runs`, { signal }),

  me: (signal?: AbortSignal) => call<User>('GET', '/me', { signal }),
  updateMe: (change: { locale?: string; time_zone?: string; display_name?: string }) =>
    call<User>('PATCH', '/me', { body: change }),
  register: (registration: Registration) => call<{ user: User }>('POST', '/auth/register', { body: registration }),
  login: (email: string, password: string) => call<LoginResult>('POST', '/auth/login', { body: { email, password } }),
  logout: () => call<void>('POST', '/auth/logout'),
  verifyEmail: (token: string) => call<void>('POST', '/auth/verify-email', { body: { token } }),
  resendVerification: () => call<void>('POST', '/auth/verify-email/resend'),

  myEnrolment: (runId: string, signal?: AbortSignal) =>
    call<Enrolment>('GET', `/runs/${id(runId)}/enrolment`, { signal }),
  enrol: (runId: string) => call<Enrolment>('POST', `/runs/${id(runId)}/enrolment`),
  dashboard: (signal?: AbortSignal) => call<Dashboard>('GET', '/me/dashboard', { signal }),
};
