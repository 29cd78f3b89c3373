import type { RouteObject } from 'react-router';

import { Layout } from './Layout';
import { Catalog } from './pages/Catalog';
import { CoursePage } from './pages/CoursePage';
import { Home } from './pages/Home';
import { MyLearning } from './pages/MyLearning';
import { NotFound } from './pages/NotFound';
import { Register } from './pages/Register';
import { SignIn } from './pages/SignIn';
import { VerifyEmail } from './pages/VerifyEmail';

// The app's pages. The server answers every one of these paths with the
// app (src/webapp); /verify-email is the link of the verification e-mail.
export const routes: RouteObject[] = [
  {
    path: '/',
    element: <Layout />,
    children: [
      { index: true, element: <Home /> },
      { path: 'catalog', element: <Catalog /> },
      { path: 'courses/:courseId', element: <CoursePage /> },
      { path: 'register', element: <Register /> },
      { path: 'sign-in', element: <SignIn /> },
      { path: 'verify-email', element: <VerifyEmail /> },
      { path: 'learning', element: <MyLearning /> },
      { path: '*', element: <NotFound /> },
    ],
  },
];
